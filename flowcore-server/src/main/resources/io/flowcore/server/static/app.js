// The run page's live logs: server-sent events, appended as text (never as HTML), so a log line cannot
// inject markup. EventSource reconnects by itself and sends Last-Event-ID, so the server resumes after it.
(function () {
  var MAX_LINE = 2000; // longer lines are cut here; the download has them whole
  var logs = document.getElementById('logs');
  if (!logs || !window.EventSource) return;
  var status = document.getElementById('log-status');
  var source = new EventSource(logs.getAttribute('data-stream'));
  source.addEventListener('open', function () { status.textContent = 'live'; });
  source.addEventListener('logs', function (e) {
    var lines = JSON.parse(e.data);
    var batch = document.createDocumentFragment(); // one layout for the whole page of lines
    lines.forEach(function (line) {
      var span = document.createElement('span');
      span.className = 'log-line level-' + line.level;
      var text = line.message.length > MAX_LINE ? line.message.substring(0, MAX_LINE) + '… (truncated)' : line.message;
      span.textContent = line.timestamp + ' ' + line.level + ' ' + text + '\n';
      batch.appendChild(span);
    });
    logs.appendChild(batch);
  });
  source.addEventListener('end', function () { status.textContent = 'run ended'; source.close(); });
  source.addEventListener('error', function () {
    if (source.readyState !== EventSource.CLOSED) status.textContent = 'reconnecting…';
  });
})();
