// recur report: the curves' x-axis switch, the ARC prediction viewer (which
// also opens a submission.json), and the Sudoku/Maze samples. Reads the JSON
// of <script id="recur-data"> (trainer/report/viewer_data.h); no network.
(function () {
  'use strict';

  // Errors show on the page itself too (data-errors), so a test of the page sees them.
  window.addEventListener('error', function (event) {
    var previous = document.body.getAttribute('data-errors') || '';
    document.body.setAttribute('data-errors', previous + event.message + '\n');
  });

  // The official ARC palette (the ARC testing interface's colours 0-9).
  var ARC_COLOURS = ['#000000', '#0074D9', '#FF4136', '#2ECC40', '#FFDC00',
                     '#AAAAAA', '#F012BE', '#FF851B', '#7FDBFF', '#870C25'];
  var TASKS_PER_PAGE = 20;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function percent(x) { return (100 * x).toFixed(1) + '%'; }

  // --- Curves: step or wall-clock on the x axis --------------------------
  Array.prototype.forEach.call(document.querySelectorAll('.x-axis button'), function (button) {
    button.addEventListener('click', function () {
      document.body.setAttribute('data-x', button.getAttribute('data-x'));
      Array.prototype.forEach.call(document.querySelectorAll('.x-axis button'), function (b) {
        b.classList.toggle('on', b === button);
      });
    });
  });

  // --- Grids ---------------------------------------------------------------
  // rows: list of strings of colour digits. truth (optional): cells that
  // differ from it are crossed out; a grid of another shape says so.
  function gridCanvas(rows, truth, maxPixels) {
    var h = rows.length, w = rows[0].length;
    var cell = Math.max(4, Math.min(18, Math.floor(maxPixels / Math.max(h, w))));
    var canvas = el('canvas', { 'class': 'grid', width: w * cell + 1, height: h * cell + 1,
                                title: h + '\u00d7' + w });
    var g = canvas.getContext('2d');
    g.fillStyle = '#555555';
    g.fillRect(0, 0, canvas.width, canvas.height);
    var sameShape = truth && truth.length === h && truth[0].length === w;
    var wrong = 0;
    for (var r = 0; r < h; r++) {
      for (var c = 0; c < w; c++) {
        g.fillStyle = ARC_COLOURS[+rows[r][c]] || '#ffffff';
        g.fillRect(c * cell + 1, r * cell + 1, cell - 1, cell - 1);
        if (sameShape && truth[r][c] !== rows[r][c]) {
          wrong++;
          crossOut(g, c * cell + 1, r * cell + 1, cell - 1);
        }
      }
    }
    canvas.setAttribute('data-wrong-cells', truth ? (sameShape ? wrong : 'shape') : '');
    return canvas;
  }

  function crossOut(g, x, y, size) {
    var m = Math.max(1, size * 0.18);
    [['#000000', Math.max(2, size / 4)], ['#ffffff', Math.max(1, size / 9)]].forEach(function (pen) {
      g.strokeStyle = pen[0];
      g.lineWidth = pen[1];
      g.beginPath();
      g.moveTo(x + m, y + m); g.lineTo(x + size - m, y + size - m);
      g.moveTo(x + size - m, y + m); g.lineTo(x + m, y + size - m);
      g.stroke();
    });
  }

  function labelled(caption, node) {
    return el('div', {}, [el('div', { 'class': 'cap', text: caption }), node]);
  }

  function sameGrid(a, b) {
    return !!a && !!b && a.length === b.length && a.every(function (row, i) { return row === b[i]; });
  }

  // --- ARC: scoring as the evaluator does (top K attempts) ------------------
  function scoreArc(arc) {
    arc.tasks.forEach(function (task) {
      var solved = 0, known = true;
      task.test.forEach(function (t) {
        if (!t.truth) { t.status = 'unknown'; known = false; return; }
        var hit = t.attempts.slice(0, arc.K).some(function (a) { return sameGrid(a.grid, t.truth); });
        t.status = hit ? 'solved' : 'unsolved';
        if (hit) solved++;
      });
      // TRM's rule scores the fraction of test inputs solved; HRM's ("all") a task wholly solved or not.
      task.score = !task.test.length ? 0 : arc.task_rule === 'all' ? (solved === task.test.length ? 1 : 0)
                 : solved / task.test.length;
      task.status = !known ? 'unknown' : solved === task.test.length && solved > 0 ? 'solved'
                  : solved > 0 ? 'partly' : 'unsolved';
    });
  }

  function arcViewer(root, arc, source) {
    scoreArc(arc);
    var counts = { all: arc.tasks.length, solved: 0, unsolved: 0, unknown: 0 };
    var scored = 0, scoreSum = 0;
    arc.tasks.forEach(function (t) {
      if (t.status === 'unknown') { counts.unknown++; return; }
      counts[t.status === 'solved' ? 'solved' : 'unsolved']++;
      scored++;
      scoreSum += t.score;
    });
    var passK = scored ? scoreSum / scored : 0;
    var state = { filter: 'all', search: '', page: 0 };

    var summaryText = source + ': ' + arc.tasks.length + ' tasks';
    if (scored) summaryText += ', pass@' + arc.K + ' ' + percent(passK) + ' (' + counts.solved + ' solved, ' +
                               counts.unsolved + ' not wholly)';
    if (arc.evaluator_score !== undefined && arc.evaluator_score !== null)
      summaryText += '; the evaluator logged ' + percent(arc.evaluator_score);
    var summary = el('p', { id: 'arc-summary', 'data-tasks': arc.tasks.length, 'data-solved': counts.solved,
                            'data-unsolved': counts.unsolved, 'data-pass-k': passK, text: summaryText });
    var filters = el('span', { 'class': 'filters' });
    var names = ['all', 'solved', 'unsolved'];
    if (counts.unknown) names.push('unknown');
    names.forEach(function (name) {
      var b = el('button', { type: 'button', 'data-filter': name, 'data-count': counts[name],
                             text: (name === 'unknown' ? 'no truth' : name) + ' (' + counts[name] + ')' });
      if (name === 'all') b.classList.add('on');
      b.addEventListener('click', function () {
        state.filter = name;
        state.page = 0;
        Array.prototype.forEach.call(filters.children, function (x) { x.classList.toggle('on', x === b); });
        draw();
      });
      filters.appendChild(b);
    });
    var search = el('input', { type: 'search', placeholder: 'task id', id: 'task-search' });
    search.addEventListener('input', function () { state.search = search.value.trim().toLowerCase(); state.page = 0; draw(); });
    var pager = el('span', { 'class': 'pager' });
    var list = el('div', { id: 'task-list' });
    root.appendChild(summary);
    root.appendChild(el('div', { 'class': 'toolbar' }, [filters, search, pager]));
    root.appendChild(list);

    function visible() {
      return arc.tasks.filter(function (t) {
        if (state.search && t.id.toLowerCase().indexOf(state.search) < 0) return false;
        if (state.filter === 'solved') return t.status === 'solved';
        if (state.filter === 'unsolved') return t.status === 'unsolved' || t.status === 'partly';
        if (state.filter === 'unknown') return t.status === 'unknown';
        return true;
      });
    }

    function draw() {
      var shown = visible();
      var pages = Math.max(1, Math.ceil(shown.length / TASKS_PER_PAGE));
      state.page = Math.min(state.page, pages - 1);
      list.textContent = '';
      list.setAttribute('data-matching', shown.length);
      shown.slice(state.page * TASKS_PER_PAGE, (state.page + 1) * TASKS_PER_PAGE).forEach(function (t) {
        list.appendChild(taskView(t, arc.K));
      });
      if (!shown.length) list.appendChild(el('p', { 'class': 'note', text: 'No task matches.' }));
      pager.textContent = '';
      if (pages > 1) {
        var prev = el('button', { type: 'button', text: '\u2190' });
        var next = el('button', { type: 'button', text: '\u2192' });
        prev.addEventListener('click', function () { if (state.page > 0) { state.page--; draw(); } });
        next.addEventListener('click', function () { if (state.page < pages - 1) { state.page++; draw(); } });
        pager.appendChild(prev);
        pager.appendChild(document.createTextNode(' page ' + (state.page + 1) + ' of ' + pages + ' '));
        pager.appendChild(next);
      }
    }
    draw();
  }

  function badge(status, extraClass) {
    var text = { solved: 'solved', unsolved: 'unsolved', partly: 'partly solved', unknown: 'no truth' }[status];
    return el('span', { 'class': 'badge ' + status + ' ' + extraClass, text: text });
  }

  function taskView(task, K) {
    var head = el('h3', { text: task.id + ' ' }, [badge(task.status, 'task-badge')]);
    if (task.test.length > 1 && task.status !== 'unknown')
      head.appendChild(document.createTextNode(' ' + Math.round(task.score * task.test.length) + '/' + task.test.length));
    var view = el('div', { 'class': 'task', 'data-task': task.id, 'data-status': task.status,
                           'data-score': task.score }, [head]);
    var demos = el('div', { 'class': 'pairs' });
    task.train.forEach(function (pair, i) {
      if (!pair[0] || !pair[1]) return;
      demos.appendChild(el('div', { 'class': 'pair' }, [
        labelled('demo ' + (i + 1) + ' input', gridCanvas(pair[0], null, 120)),
        el('span', { 'class': 'arrow', text: '\u2192' }),
        labelled('output', gridCanvas(pair[1], null, 120))]));
    });
    if (demos.children.length) view.appendChild(demos);
    task.test.forEach(function (t, i) {
      var row = el('div', { 'class': 'pairs' });
      if (t.input) row.appendChild(labelled('test ' + (i + 1) + ' input', gridCanvas(t.input, null, 160)));
      if (t.truth) row.appendChild(labelled('truth', gridCanvas(t.truth, null, 160)));
      t.attempts.forEach(function (a, j) {
        if (!a.grid) return;
        var caption = (j < K ? 'attempt ' + (j + 1) : 'candidate ' + (j + 1));
        if (a.votes !== null && a.votes !== undefined) caption += ': ' + a.votes + ' vote' + (a.votes === 1 ? '' : 's');
        if (a.confidence !== null && a.confidence !== undefined) caption += ', halt ' + a.confidence.toFixed(2);
        var node = labelled(caption, gridCanvas(a.grid, t.truth, 160));
        node.setAttribute('class', j < K ? 'attempt' : 'attempt extra');
        row.appendChild(node);
      });
      if (!t.attempts.length) row.appendChild(el('p', { 'class': 'note', text: 'no prediction' }));
      var counts = t.votes ? ' ' + t.votes + ' votes, ' + t.distinct + ' distinct answer' + (t.distinct === 1 ? '' : 's') : '';
      view.appendChild(el('div', { 'class': 'test', 'data-status': t.status }, [
        el('div', { 'class': 'cap', text: 'test ' + (i + 1) + counts + ' ' }, [badge(t.status, 'test-badge')]), row]));
    });
    return view;
  }

  // --- Sudoku and Maze samples ---------------------------------------------
  function sudokuBoard(givens, cells, truth) {
    var board = el('div', { 'class': 'board' });
    for (var i = 0; i < 81; i++) {
      var r = Math.floor(i / 9), c = i % 9;
      var given = givens[i] !== '.';
      var classes = [given ? 'given' : 'answer'];
      if (truth && cells[i] !== truth[i]) classes.push('wrong');
      if (c % 3 === 2 && c < 8) classes.push('c3');
      if (r % 3 === 2 && r < 8) classes.push('r3');
      board.appendChild(el('span', { 'class': classes.join(' '), text: cells[i] === '.' ? '' : cells[i] }));
    }
    return board;
  }

  var MAZE_COLOURS = { '#': '#333333', ' ': '#ffffff', 'S': '#2ECC40', 'G': '#FF4136', 'o': '#0074D9' };
  function mazeCanvas(cells, truth) {
    var n = Math.round(Math.sqrt(cells.length)), cell = Math.max(3, Math.floor(240 / n));
    var canvas = el('canvas', { 'class': 'grid', width: n * cell, height: n * cell });
    var g = canvas.getContext('2d');
    var wrong = 0;
    for (var i = 0; i < cells.length; i++) {
      var x = (i % n) * cell, y = Math.floor(i / n) * cell;
      g.fillStyle = MAZE_COLOURS[cells[i]] || '#aaaaaa';
      g.fillRect(x, y, cell, cell);
      if (truth && cells[i] !== truth[i]) { wrong++; crossOut(g, x, y, cell); }
    }
    canvas.setAttribute('data-wrong-cells', truth ? wrong : '');
    return canvas;
  }

  function samplesViewer(root, samples) {
    var solved = 0;
    samples.puzzles.forEach(function (p) { p.solved = p.answer === p.truth; if (p.solved) solved++; });
    var unsolved = samples.puzzles.length - solved;
    var state = { filter: 'all' };
    root.appendChild(el('p', { id: 'samples-summary', 'data-puzzles': samples.puzzles.length,
                               'data-solved': solved, 'data-unsolved': unsolved,
                               text: samples.kind + ' at step ' + samples.step + ': ' + samples.puzzles.length +
                                     ' of the ' + samples.total + ' held-out puzzles, ' + solved + ' solved, ' +
                                     unsolved + ' not (wrong cells marked)' }));
    var filters = el('span', { 'class': 'filters' });
    var list = el('div', { 'class': 'puzzles', id: 'puzzle-list' });
    [['all', samples.puzzles.length], ['solved', solved], ['unsolved', unsolved]].forEach(function (f) {
      var b = el('button', { type: 'button', 'data-filter': f[0], 'data-count': f[1], text: f[0] + ' (' + f[1] + ')' });
      if (f[0] === 'all') b.classList.add('on');
      b.addEventListener('click', function () {
        state.filter = f[0];
        Array.prototype.forEach.call(filters.children, function (x) { x.classList.toggle('on', x === b); });
        draw();
      });
      filters.appendChild(b);
    });
    root.appendChild(el('div', { 'class': 'toolbar' }, [filters]));
    root.appendChild(list);
    function draw() {
      list.textContent = '';
      samples.puzzles.forEach(function (p) {
        if (state.filter === 'solved' && !p.solved) return;
        if (state.filter === 'unsolved' && p.solved) return;
        var boards = samples.kind === 'sudoku'
          ? [labelled('model', sudokuBoard(p.input, p.answer, p.truth)), labelled('truth', sudokuBoard(p.input, p.truth, null))]
          : [labelled('model', mazeCanvas(p.answer, p.truth)), labelled('truth', mazeCanvas(p.truth, null))];
        list.appendChild(el('div', { 'class': 'puzzle', 'data-solved': p.solved }, [
          el('div', { 'class': 'cap', text: 'test puzzle ' + p.index + ' ' }, [badge(p.solved ? 'solved' : 'unsolved', 'puzzle-badge')]),
          el('div', { 'class': 'boards' }, boards)]));
      });
    }
    draw();
  }

  // --- Opening a submission.json (with optional challenges and solutions) ---
  function isGrid(g) { return Array.isArray(g) && g.length > 0 && g.every(Array.isArray); }
  function rowsOf(g) { return isGrid(g) ? g.map(function (row) { return row.join(''); }) : null; }
  function kindOf(json) {
    var keys = Object.keys(json || {});
    if (!keys.length || typeof json !== 'object' || Array.isArray(json)) return null;
    var v = json[keys[0]];
    if (Array.isArray(v) && v.length && v[0] && v[0].attempt_1 !== undefined) return 'submission';
    if (v && v.train && v.test) return 'challenges';
    if (Array.isArray(v) && (v.length === 0 || isGrid(v[0]))) return 'solutions';
    return null;
  }

  function arcFromFiles(files) {
    var sub = files.submission, ch = files.challenges || {}, sol = files.solutions || {};
    var K = 0;
    var tasks = Object.keys(sub).sort().map(function (id) {
      var challenge = ch[id] || { train: [], test: [] };
      return {
        id: id,
        train: (challenge.train || []).map(function (p) { return [rowsOf(p.input), rowsOf(p.output)]; }),
        test: sub[id].map(function (entry, i) {
          var names = Object.keys(entry).filter(function (k) { return /^attempt_\d+$/.test(k); }).sort(function (a, b) {
            return +a.slice(8) - +b.slice(8);
          });
          K = Math.max(K, names.length);
          var t = (challenge.test || [])[i] || {};
          var truth = sol[id] ? sol[id][i] : t.output;
          return { input: rowsOf(t.input), truth: rowsOf(truth),
                   attempts: names.map(function (k) { return { grid: rowsOf(entry[k]), votes: null, confidence: null }; }) };
        })
      };
    });
    return { K: K || 2, tasks: tasks };
  }

  function opener(root) {
    var input = el('input', { type: 'file', multiple: 'multiple', accept: '.json,application/json', id: 'open-submission' });
    var message = el('span', { 'class': 'note', id: 'open-message' });
    input.addEventListener('change', function () {
      var picked = Array.prototype.slice.call(input.files);
      Promise.all(picked.map(function (f) { return f.text(); })).then(function (texts) {
        var files = {}, names = [];
        for (var i = 0; i < texts.length; i++) {
          var json;
          try { json = JSON.parse(texts[i]); } catch (e) { message.textContent = picked[i].name + ': not JSON'; return; }
          var kind = kindOf(json);
          if (!kind) { message.textContent = picked[i].name + ': not a submission, challenges or solutions file'; return; }
          files[kind] = json;
          names.push(picked[i].name);
        }
        if (!files.submission) { message.textContent = 'pick a submission.json (with, optionally, its challenges and solutions)'; return; }
        render({ arc: arcFromFiles(files), samples: null }, names.join(' + '));
      });
    });
    root.appendChild(el('div', { 'class': 'opener' }, [
      el('span', { text: 'Open a submission.json (recur predict, recur eval --out), optionally with its ' +
                         'challenges and solutions files: ' }), input, message]));
  }

  // --- The viewer -------------------------------------------------------------
  var root = document.getElementById('viewer-root');
  function render(data, source) {
    root.textContent = '';
    if (data.arc) arcViewer(root, data.arc, source || ('evaluation at step ' + data.arc.step));
    if (data.samples) samplesViewer(root, data.samples);
    if (!data.arc && !data.samples)
      root.appendChild(el('p', { 'class': 'note', text: 'This run saved no predictions (see above for what is missing).' }));
    opener(root);
    document.body.setAttribute('data-viewer', 'ready');
  }
  render(JSON.parse(document.getElementById('recur-data').textContent));
})();
