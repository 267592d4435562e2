// Loaded in <head>, before the page paints: CSS that folds things away for script (html.js) applies at once.
// A file rather than an inline script: the Content-Security-Policy allows scripts from 'self' only.
document.documentElement.classList.add("js");
