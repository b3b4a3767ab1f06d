import {useToken} from '../control/api.js';

// The 🔑 button opens the form for the token a protected server wants; using it shows the page again with it.
export function tokenForm(button, form, reload) {
    const input = form.querySelector('input');
    button.addEventListener('click', () => {
        form.hidden = !form.hidden;
        if (!form.hidden) input.focus();
    });
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        useToken(input.value);
        input.value = '';
        form.hidden = true;
        reload();
    });
}
