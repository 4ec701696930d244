// The operator console's one script: a part of a page marked data-poll="<url>" is fetched again every second and
// replaced by what the server renders, until the server's answer carries no data-poll (the work it shows finished).
(function () {
  function poll(element) {
    var url = element.getAttribute('data-poll');
    if (!url) {
      return;
    }
    setTimeout(function () {
      fetch(url, {credentials: 'same-origin', headers: {'Accept': 'text/html'}})
        .then(function (response) {
          if (response.redirected || !response.ok) {
            throw new Error('HTTP ' + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var template = document.createElement('template');
          template.innerHTML = html.trim();
          var fresh = template.content.firstElementChild;
          element.replaceWith(fresh);
          poll(fresh);
        })
        .catch(function () {
          poll(element);
        });
    }, 1000);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-poll]').forEach(poll);
  });
})();
