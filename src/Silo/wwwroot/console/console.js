// The task console's entry point: each page names itself in <body data-page> and only its own module loads.
// No inline scripts anywhere: the console is served with Content-Security-Policy default-src 'self'.
const pages = { overview: './overview.js', task: './task.js' };
const page = pages[document.body.dataset.page];
if (page) {
  import(page).then((module) => module.start());
}
