//! A loop that stands in for std's sorts.
//!
//! Why: every element type handed to std's sorts (or to `collect()` into a B-tree set, which
//! sorts its input with std's stable sort) adds 15-25 KB to the browser's wasm, against a bundle
//! budget. The lists sorted here hold a handful of entries, where an insertion sort is as fast;
//! the protocol files call this helper and stay free of the workaround.

/// Sorts `list` stably by `key` (insertion sort: for short lists).
pub fn sort_by_key<T, K: Ord>(list: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..list.len() {
        let mut j = i;
        while j > 0 && key(&list[j - 1]) > key(&list[j]) {
            list.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut list = [(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        sort_by_key(&mut list, |&(k, _)| k);
        assert_eq!(list, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
        let mut empty: [u8; 0] = [];
        sort_by_key(&mut empty, |&x| x);
    }
}
