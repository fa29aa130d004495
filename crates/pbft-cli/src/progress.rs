//! The sweep's progress report on stderr: runs done / total, elapsed time, rate and ETA.
//!
//! On a terminal it is a bar redrawn in place (`\r`), at most ten times a second, and only once a
//! sweep has taken a moment (a quick sweep shows nothing). When stderr is a file or a pipe there is
//! no bar; a long sweep (over [`LINE_AFTER`]) writes a plain line every [`LINE_EVERY`] instead, so
//! a log shows it is alive. `--quiet` turns all of it off. Nothing goes to stdout, and the bar is
//! erased before any result line is printed, so the two never mix on a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A terminal bar appears after this long.
const BAR_AFTER: Duration = Duration::from_millis(300);
/// Terminal redraw interval.
const BAR_EVERY: Duration = Duration::from_millis(100);
/// Without a terminal, nothing is written before this long...
const LINE_AFTER: Duration = Duration::from_secs(5);
/// ...and then a line at most this often.
const LINE_EVERY: Duration = Duration::from_secs(5);
const WIDTH: usize = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Off,
    Bar,
    Lines,
}

/// Progress of one sweep.
pub struct Progress {
    mode: Mode,
    start: Instant,
    last: Option<Instant>,
    /// A bar is on screen (and must be erased before stdout prints on the same terminal).
    shown: bool,
    stdout_is_terminal: bool,
    done: u64,
    total: u64,
}

impl Progress {
    /// A report for `total` runs; silent with `quiet`.
    pub fn new(total: u64, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            start: Instant::now(),
            last: None,
            shown: false,
            stdout_is_terminal: std::io::stdout().is_terminal(),
            done: 0,
            total,
        }
    }

    /// `done` of the runs have finished.
    pub fn update(&mut self, done: u64) {
        self.done = done;
        let now = Instant::now();
        let elapsed = now - self.start;
        let since_last = self.last.map_or(Duration::MAX, |t| now - t);
        match self.mode {
            Mode::Off => {}
            Mode::Bar if elapsed >= BAR_AFTER && since_last >= BAR_EVERY => {
                self.last = Some(now);
                self.shown = true;
                // Progress is best effort: a closed stderr must not stop the sweep.
                let _ = write!(std::io::stderr(), "\r{}\x1b[K", self.line(elapsed, true));
            }
            Mode::Lines if elapsed >= LINE_AFTER && since_last >= LINE_EVERY => {
                self.last = Some(now);
                let _ = writeln!(std::io::stderr(), "pbft-sim: {}", self.line(elapsed, false));
            }
            Mode::Bar | Mode::Lines => {}
        }
    }

    /// Called before a result line goes to stdout: when stdout shares the terminal, the bar is
    /// erased so the line starts clean (it comes back on the next update).
    pub fn before_output(&mut self) {
        if self.stdout_is_terminal {
            self.clear();
        }
    }

    /// Erases the bar; it comes back on the next update.
    pub fn clear(&mut self) {
        if self.shown {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.shown = false;
            self.last = None;
        }
    }

    fn line(&self, elapsed: Duration, bar: bool) -> String {
        let fraction = self.done as f64 / self.total.max(1) as f64;
        let secs = elapsed.as_secs_f64();
        let rate = self.done as f64 / secs.max(1e-9);
        let eta = if self.done > 0 {
            format!(
                "{:.1}s",
                (self.total - self.done.min(self.total)) as f64 / rate
            )
        } else {
            "?".to_string()
        };
        let head = if bar {
            let filled = ((fraction * WIDTH as f64) as usize).min(WIDTH);
            format!("[{}{}] ", "#".repeat(filled), "-".repeat(WIDTH - filled))
        } else {
            String::new()
        };
        format!(
            "{head}{:3.0}% {}/{} runs | {secs:.1}s | {rate:.0} runs/s | ETA {eta}",
            fraction * 100.0,
            self.done,
            self.total
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shows_counts_rate_and_bar() {
        let mut p = Progress::new(200, true);
        p.done = 50;
        let line = p.line(Duration::from_secs(2), true);
        assert!(line.starts_with("[#######--"), "{line}");
        assert!(
            line.contains(" 25% 50/200 runs | 2.0s | 25 runs/s | ETA 6.0s"),
            "{line}"
        );
    }
}
