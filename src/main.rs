//! Entry point: installs a panic hook that shows a message on the page (instead of a page that
//! silently stops), then mounts the app.

fn main() {
    // Through Yew, which would otherwise replace the hook with its own when it renders.
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = format!("{info}");
        web_sys::console::error_1(&message.clone().into());
        let fatal = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fatal"));
        if let Some(el) = fatal {
            el.set_text_content(Some(&format!(
                "The simulator stopped on an internal error. Reload the page to start again. \
                 Details: {message}"
            )));
            let _ = el.remove_attribute("hidden");
        }
    }));
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    {
        yew::Renderer::<pbft_web::root::Root>::with_root(root).render();
    }
}
