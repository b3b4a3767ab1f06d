// Light or dark: the system's choice until the user picks one with the button; the pick is kept in the browser.
export function themeButton(button, redraw) {
    const root = document.documentElement;
    root.dataset.theme = localStorage.getItem('theme')
        || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
    button.addEventListener('click', () => {
        root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
        localStorage.setItem('theme', root.dataset.theme);
        redraw(); // charts take their colours when drawn
    });
}
