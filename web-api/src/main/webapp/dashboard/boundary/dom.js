// Building elements, reading the theme's colours, and the banner that says what went wrong.
export const main = document.getElementById('main');
const banner = document.getElementById('banner');

// An element with attributes, `text`, `on…` listeners and children (nested arrays are flattened).
export function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (name === 'text') node.textContent = value;
        else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
        else node.setAttribute(name, value);
    }
    children.flat(Infinity).forEach((child) => node.append(child));
    return node;
}

// A colour of the current theme (a CSS custom property), for what the stylesheet cannot reach: the charts' canvas.
export function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function showError(message) {
    banner.textContent = message;
    banner.hidden = false;
}

export function clearError() {
    banner.hidden = true;
}
