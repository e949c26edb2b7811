// The chat page: send questions to /api/ask, show the cited passages, and keep the
// conversation in localStorage. Report text and questions are only ever inserted as text
// (text nodes and textContent), never parsed as HTML.
"use strict";

(() => {
  const STORE_KEY = "peel-qa.conversation.v1";
  const MAX_TURNS = 50; // localStorage holds a few MB; 50 answers stay well under it
  const MAX_HISTORY = 10; // earlier turns sent with a question, as /api/ask accepts
  const FOLD_CHARS = 320; // passages longer than this (plus some slack) start folded
  const STOP_WORDS = new Set(
    ("a an and any are as at be been being but by can could did do does doing for from " +
      "had has have how i if in into is it its me my no not of on or our should so than " +
      "that the their them then there these they this those to was we were what when " +
      "where which who whom why will with would you your force forces police constabulary")
      .split(" "),
  );
  // The usual openings of PEEL questions, dropped in the chip to keep it short.
  const QUESTION_LEAD_IN =
    /^(how (effective|efficient|well|legitimate(ly)?) (is|are|does|do) the (force|constabulary)(['’]s)? (at )?|to what extent does the (force|constabulary) )/i;

  const form = document.getElementById("ask-form");
  const box = document.getElementById("question");
  const send = document.getElementById("send");
  const log = document.getElementById("conversation");
  const intro = document.getElementById("intro");
  const coverage = document.getElementById("coverage");
  const modelNote = document.getElementById("model-note");
  const waitingNote = document.getElementById("waiting-note");
  const status = document.getElementById("status");
  const newConversation = document.getElementById("new-conversation");
  const examples = document.getElementById("examples");
  const picker = document.getElementById("scope-picker");
  const pickerSummary = document.getElementById("scope-summary");
  const scopeSelects = [...document.querySelectorAll("#scope-picker select[data-filter]")];

  let turns = loadTurns();
  let busy = false;
  let nextId = 0;

  // ---- small DOM helper: strings become text nodes, never markup -------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value == null) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child != null) node.append(child);
    }
    return node;
  }

  // ---- the conversation in localStorage ---------------------------------------------------

  function loadTurns() {
    try {
      const data = JSON.parse(localStorage.getItem(STORE_KEY) || "[]");
      if (!Array.isArray(data)) return [];
      return data.filter(
        (t) => t && typeof t.question === "string" && Array.isArray(t.passages),
      );
    } catch {
      return [];
    }
  }

  function saveTurns() {
    turns = turns.slice(-MAX_TURNS);
    try {
      if (turns.length) localStorage.setItem(STORE_KEY, JSON.stringify(turns));
      else localStorage.removeItem(STORE_KEY);
    } catch {
      // Storage full or disabled: the page still works, it just forgets on reload.
    }
  }

  // ---- which sentences to highlight -------------------------------------------------------

  function stem(word) {
    for (const [suffix, replacement] of [["ies", "y"], ["ing", ""], ["ed", ""], ["es", ""], ["ly", ""], ["s", ""]]) {
      if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
        word = word.slice(0, -suffix.length) + replacement;
        break;
      }
    }
    return word.length > 3 ? word.replace(/e$/, "") : word;
  }

  function terms(text) {
    return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [])
      .filter((w) => w.length > 1 && !STOP_WORDS.has(w))
      .map(stem);
  }

  // Sentence spans [start, end) of a passage: split after . ! ? before anything that is not
  // a lower-case letter, and at line breaks (bullet lists).
  function sentenceSpans(text) {
    const spans = [];
    let start = 0;
    const push = (s, e) => {
      while (s < e && /[\s•]/.test(text[s])) s++;
      while (e > s && /\s/.test(text[e - 1])) e--;
      if (e > s) spans.push([s, e]);
    };
    for (const m of text.matchAll(/([.!?]["'”’)]*)\s+(?=[^\p{Ll}\s])|\s*\n\s*/gu)) {
      push(start, m.index + (m[1] ? m[1].length : 0));
      start = m.index + m[0].length;
    }
    push(start, text.length);
    return spans;
  }

  // The sentence sharing most words with the question (a second one on a tie), if it shares
  // at least two (one, for a one-word question): a stand-in until the API sends highlights.
  function bestSentences(text, question) {
    const wanted = new Set(terms(question));
    if (!wanted.size) return [];
    const enough = Math.min(2, wanted.size);
    const scored = sentenceSpans(text).map(([s, e]) => {
      const words = terms(text.slice(s, e));
      const shared = new Set(words.filter((w) => wanted.has(w))).size;
      return { span: [s, e], shared, length: words.length };
    });
    scored.sort((a, b) => b.shared - a.shared || a.length - b.length);
    const best = scored[0];
    if (!best || best.shared < enough) return [];
    const picked = scored.filter((x, i) => i < 2 && x.shared === best.shared);
    return picked.map((x) => x.span).sort((a, b) => a[0] - b[0]);
  }

  // Server highlights count characters as Python does (code points); JavaScript strings
  // count UTF-16 units, which differ only around characters outside the BMP.
  function codePointOffsets(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [];
    let unit = 0;
    for (const ch of text) {
      units.push(unit);
      unit += ch.length;
    }
    units.push(unit);
    return (i) => units[Math.min(i, units.length - 1)];
  }

  function highlightsFor(passage, question) {
    const text = passage.text;
    let spans;
    if (Array.isArray(passage.highlights)) {
      const at = codePointOffsets(text);
      spans = passage.highlights
        .filter((h) => Array.isArray(h) && Number.isInteger(h[0]) && Number.isInteger(h[1]))
        .map(([s, e]) => [at(Math.max(0, s)), at(Math.max(0, e))]);
    } else {
      spans = bestSentences(text, question);
    }
    const merged = [];
    for (const [s, e] of spans.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0])) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, Math.min(e, text.length)]);
    }
    return merged;
  }

  // ---- folding long passages -------------------------------------------------------------

  // The [from, to) part of a long passage shown while folded: the opening, or, when the
  // highlight lies further in, the text from the start of its sentence; it ends at a
  // sentence end if one is near, else at a space, and never cuts into the highlight.
  function foldWindow(text, marks) {
    if (text.length <= FOLD_CHARS + 80) return null;
    const sentences = sentenceSpans(text);
    const first = marks[0];
    let from = 0;
    if (first && first[1] > FOLD_CHARS) {
      const sentence = sentences.find(([s, e]) => s <= first[0] && first[0] < e);
      from = sentence ? sentence[0] : first[0];
    }
    const least = Math.max(from + FOLD_CHARS / 2, first ? first[1] : 0);
    let to = Math.max(from + FOLD_CHARS, first ? first[1] : 0);
    const ends = sentences.map(([, e]) => e).filter((e) => e >= least && e <= to);
    if (ends.length) to = ends[ends.length - 1];
    else if (to < text.length && text.lastIndexOf(" ", to) >= least) to = text.lastIndexOf(" ", to);
    if (to >= text.length - 40) to = text.length;
    return from === 0 && to === text.length ? null : [from, to];
  }

  function fillText(node, text, marks, from, to) {
    node.replaceChildren();
    if (from > 0) node.append("… ");
    let at = from;
    for (const [s0, e0] of marks) {
      const s = Math.max(s0, at);
      const e = Math.min(e0, to);
      if (e <= s) continue;
      node.append(text.slice(at, s), el("mark", {}, text.slice(s, e)));
      at = e;
    }
    node.append(text.slice(at, to));
    if (to < text.length) node.append(" …");
  }

  // ---- rendering ------------------------------------------------------------------------

  function shortQuestion(question) {
    let short = question.replace(QUESTION_LEAD_IN, "").replace(/\?$/, "");
    short = short.charAt(0).toUpperCase() + short.slice(1);
    if (short.length > 60) short = `${short.slice(0, short.lastIndexOf(" ", 58))}…`;
    return short;
  }

  function citationChip(citation) {
    const c = citation || {};
    const parts = [el("span", { class: "chip-report" }, `${c.force} ${c.year}`)];
    if (c.pillar) parts.push(c.pillar);
    if (c.question_number == null) {
      // An area, pillar or section is named by its unit; a pillar's opening is its overview.
      parts.push(c.unit && c.unit !== "overview" ? c.unit_label || c.unit : "Overview");
    } else {
      parts.push(
        el(
          "span",
          { class: "chip-question", title: c.question || "" },
          `Q${c.question_number} `,
          el("span", { "aria-hidden": "true" }, shortQuestion(c.question || "")),
          el("span", { class: "visually-hidden" }, c.question || ""),
        ),
      );
    }
    if (c.grade) parts.push(el("span", { class: "grade", "data-grade": c.grade }, c.grade));
    if (c.section) parts.push(c.section);
    parts.push(`¶${c.paragraph}`);
    if (c.page != null) parts.push(`p. ${c.page}`);
    const chip = el("p", { class: "chip" });
    parts.forEach((part, i) => {
      if (i) chip.append(el("span", { class: "sep", "aria-hidden": "true" }, " · "));
      chip.append(typeof part === "string" ? el("span", {}, part) : part);
    });
    return chip;
  }

  function passageHref(id) {
    return `/passages/${encodeURIComponent(id)}`;
  }

  // The passage page scrolled to the paragraph, with the answering sentences marked: the
  // API's highlights, passed on as they are (Python string indices).
  function contextHref(id, highlights) {
    const spans = (Array.isArray(highlights) ? highlights : [])
      .filter((h) => Array.isArray(h) && Number.isInteger(h[0]) && Number.isInteger(h[1]) && h[1] > h[0])
      .map(([s, e]) => `${s}-${e}`);
    const query = spans.length ? `?span=${spans.join(",")}` : "";
    return `${passageHref(id)}${query}#passage`;
  }

  function passageItem(passage, question) {
    const textId = `passage-text-${nextId++}`;
    const text = el("p", { class: "passage-text", id: textId });
    const marks = highlightsFor(passage, question);
    const fold = foldWindow(passage.text, marks);
    const actions = el("div", { class: "passage-actions" });
    if (fold) {
      const toggle = el("button", { type: "button", class: "quiet", "aria-expanded": "false", "aria-controls": textId }, "Show more");
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "Show less" : "Show more";
        if (open) fillText(text, passage.text, marks, 0, passage.text.length);
        else fillText(text, passage.text, marks, fold[0], fold[1]);
      });
      actions.append(toggle);
      fillText(text, passage.text, marks, fold[0], fold[1]);
    } else {
      fillText(text, passage.text, marks, 0, passage.text.length);
    }
    const copy = el("button", { type: "button", class: "quiet copy" }, "Copy citation");
    copy.addEventListener("click", () => copyCitation(passage, copy));
    actions.append(
      el("a", { class: "open-passage", href: contextHref(passage.id, passage.highlights) }, "Open in context"),
      copy,
    );
    return el("li", { class: "passage", "data-id": passage.id }, citationChip(passage.citation), text, actions);
  }

  function questionBubble(question) {
    return el("p", { class: "bubble" }, el("span", { class: "visually-hidden" }, "You asked: "), question);
  }

  // The service's direct answer: a grade, the areas for improvement, the reasons, a table of
  // grades (compare, list, change over time), or the sentence that answers.
  const LABELS = {
    grade: "Grade",
    improvements: "Areas for improvement",
    reasons: "Why",
    sentence: "Best answer",
    compare: "Comparison",
    list: "Across the indexed reports",
    trend: "Over time",
    overall: "Every grade",
  };

  function gradeTable(rows) {
    const head = el(
      "tr",
      {},
      ...["Force", "Year", "Pillar", "Question", "Grade"].map((h) => el("th", { scope: "col" }, h)),
    );
    const body = rows.map((row) => {
      const question = row.question_number != null ? `Q${row.question_number} ${row.question || ""}` : row.area ? String(row.area) : "Overall";
      const grade = el("td", { class: "grade-cell" }, String(row.grade || "no grade"));
      if (typeof row.passage_id === "string") {
        grade.replaceChildren(el("a", { href: passageHref(row.passage_id) }, String(row.grade || "no grade")));
      }
      return el(
        "tr",
        {},
        el("td", {}, String(row.force)),
        el("td", {}, String(row.year)),
        el("td", {}, String(row.pillar || "")),
        el("td", {}, question),
        grade,
      );
    });
    return el(
      "div",
      { class: "table-wrap" },
      el("table", { class: "direct-table" }, el("thead", {}, head), el("tbody", {}, ...body)),
    );
  }

  function directAnswer(answer, passages) {
    if (!answer || typeof answer.text !== "string") return null;
    const label = LABELS[answer.kind] || "Answer";
    const body = [];
    if (Array.isArray(answer.rows) && answer.rows.length) {
      body.push(el("p", { class: "direct-text" }, answer.text));
      body.push(gradeTable(answer.rows));
    } else if (answer.kind === "grade" && typeof answer.grade === "string") {
      body.push(...gradeStatement(answer.text, answer.grade, answer.cite));
    } else if (["improvements", "reasons"].includes(answer.kind) && Array.isArray(answer.items) && answer.items.length) {
      if (answer.kind === "reasons" && typeof answer.grade === "string") {
        body.push(el("p", { class: "direct-grade" }, answer.grade));
      }
      // a reason links to the passage it is quoted from
      const from = Array.isArray(answer.item_passage_ids) ? answer.item_passage_ids : [];
      body.push(el("ul", { class: "direct-items" }, ...answer.items.map((item, i) => {
        const id = from[i];
        return typeof id === "string"
          ? el("li", {}, String(item), " ", el("a", { class: "item-source", href: contextHref(id, []) }, "in context"))
          : el("li", {}, String(item));
      })));
    } else {
      body.push(el("blockquote", { class: "direct-text" }, answer.text));
    }
    const shown = typeof answer.grade === "string" ? answer.grade : null;
    const cite = el("p", { class: "direct-cite" }, withoutGrade(String(answer.cite || ""), shown));
    if (typeof answer.passage_id === "string") {
      // the sentence the answer rests on (a grade's: the one stating it), else the passage's
      const hit = (passages || []).find((p) => p.id === answer.passage_id);
      const marks = Array.isArray(answer.highlights) ? answer.highlights : hit && hit.highlights;
      cite.append(" ", el("a", { href: contextHref(answer.passage_id, marks) }, "Open in context"));
    }
    return el(
      "section",
      { class: `direct direct-${answer.kind}`, "aria-label": label },
      el("p", { class: "direct-label" }, label),
      ...body,
      cite,
    );
  }

  // A grade card says the grade once: as its heading when the text opens with it
  // ("Good: Lancashire PEEL 2018 ..."), marked where the text says it otherwise. Text
  // that only names the place the citation below names is not said twice either.
  function gradeStatement(text, grade, cite) {
    const opening = new RegExp(`^\\s*${escapeRegExp(grade)}\\s*[:.–—-]\\s*`, "i");
    if (opening.test(text)) {
      const rest = text.replace(opening, "");
      const named = new Set(words(cite));
      const adds = words(rest).some((w) => !named.has(w));
      return [el("p", { class: "direct-grade" }, grade), adds ? el("p", { class: "direct-text" }, rest) : null];
    }
    const at = text.toLowerCase().indexOf(grade.toLowerCase());
    if (at < 0) return [el("p", { class: "direct-grade" }, grade), el("p", { class: "direct-text" }, text)];
    return [
      el(
        "p",
        { class: "direct-text" },
        text.slice(0, at),
        el("strong", { class: "direct-grade" }, text.slice(at, at + grade.length)),
        text.slice(at + grade.length),
      ),
    ];
  }

  // A citation without the grade the card already states ("... safe? (Good)").
  function withoutGrade(cite, grade) {
    return grade ? cite.replace(new RegExp(`\\s*\\(${escapeRegExp(grade)}\\)$`, "i"), "") : cite;
  }

  function words(text) {
    return String(text || "").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // No direct answer: say so plainly, with the service's reason.
  function noAnswer(message) {
    return el(
      "section",
      { class: "no-answer", role: "note", "aria-label": "No answer" },
      el("p", { class: "direct-label" }, "No answer in the reports"),
      el("p", {}, String(message || "The indexed reports don't answer this.")),
    );
  }

  function scopeLine(scope) {
    if (!scope || !Array.isArray(scope.forces) || !scope.forces.length || !scope.named) return null;
    return el("p", { class: "scope-line" }, `Answered from: ${scope.forces.join(", ")} (${scope.reports.length} report${scope.reports.length === 1 ? "" : "s"})`);
  }

  // Passages, with a heading each time the force changes (answers spanning several forces).
  function passageList(turn) {
    const items = [];
    const forces = new Set(turn.passages.map((p) => p.citation && p.citation.force));
    let current = null;
    for (const p of turn.passages) {
      const force = p.citation && p.citation.force;
      if (forces.size > 1 && force !== current) {
        items.push(el("li", { class: "force-group", role: "presentation" }, String(force)));
        current = force;
      }
      items.push(passageItem(p, turn.question));
    }
    return el("ol", { class: "passages" }, ...items);
  }

  // The scope the picker set when the question was asked: shown on every answer.
  function describeFilters(filters) {
    const parts = ["force", "year", "pillar"]
      .map((key) => filters && filters[key])
      .filter((v) => typeof v === "string" && v);
    return parts.length ? parts.join(" · ") : "all indexed reports";
  }

  function turnNode(turn) {
    const count = turn.passages.length;
    const closest = !turn.answer && count > 0;
    const answer = el(
      "div",
      { class: "answer" },
      el("p", { class: "turn-scope" }, `Scope: ${describeFilters(turn.filters)}`),
      turn.answer ? directAnswer(turn.answer, turn.passages) : noAnswer(turn.message),
      scopeLine(turn.scope),
      turn.answer && turn.message ? el("p", { class: "scope-note" }, String(turn.message)) : null,
      el(
        "p",
        { class: "answer-meta" },
        count
          ? closest
            ? `Not an answer: the ${count} closest passage${count === 1 ? "" : "s"} in the reports`
            : `${count} passage${count === 1 ? "" : "s"} from the reports, best match first`
          : "No passages found.",
      ),
      passageList(turn),
      feedbackControl(turn),
    );
    return el("article", { class: "turn" }, questionBubble(turn.question), shareControl(turn), answer);
  }

  function pendingNode(question) {
    return el(
      "article",
      { class: "turn pending" },
      questionBubble(question),
      el("p", { class: "answer-meta busy" }, "Searching the reports…"),
    );
  }

  function errorNode(question, message) {
    return el(
      "article",
      { class: "turn failed" },
      questionBubble(question),
      el(
        "div",
        { class: "error", role: "alert" },
        el("p", { class: "error-message" }, message),
        el("p", {}, "Your question is still in the box: press Enter to try again."),
      ),
    );
  }

  function render() {
    log.replaceChildren(...turns.map(turnNode));
    intro.hidden = turns.length > 0;
    showTools();
  }

  // ---- talking to the API ----------------------------------------------------------------

  // The message of our JSON error shape, or null (a proxy page, or a crash before our handler).
  async function apiError(response) {
    try {
      const body = await response.json();
      return (body && body.error && body.error.message) || null;
    } catch {
      return null;
    }
  }

  function setBusy(on) {
    busy = on;
    send.disabled = on;
    newConversation.disabled = on;
    log.setAttribute("aria-busy", String(on));
    form.classList.toggle("busy", on);
    send.textContent = on ? "Sending…" : "Send";
  }

  // The question with the conversation so far, so a follow-up ("and what about fraud?")
  // is understood; the service ignores the history for a question that stands alone.
  function askBody(question, filters, earlier = turns) {
    const history = earlier.slice(-MAX_HISTORY).map((t) => ({
      question: t.question,
      passage_ids: t.passages.map((p) => p.id).filter((id) => typeof id === "string").slice(0, 20),
    }));
    const body = history.length ? { question, history } : { question };
    if (Object.keys(filters).length) body.filters = filters;
    return body;
  }

  // ---- the scope picker: force, cycle and pillar, sent as the request's filters ---------

  function chosenFilters() {
    const filters = {};
    for (const select of scopeSelects) {
      if (select.value) filters[select.dataset.filter] = select.value;
    }
    return filters;
  }

  function showScope() {
    const filters = chosenFilters();
    pickerSummary.textContent = describeFilters(filters);
    picker.toggleAttribute("data-scoped", Object.keys(filters).length > 0);
  }

  function fillPicker(values) {
    for (const select of scopeSelects) {
      const options = (values && values[select.dataset.filter]) || [];
      for (const value of options) select.append(el("option", { value: String(value) }, String(value)));
    }
  }

  function showExamples(questions) {
    examples.replaceChildren(
      ...(questions || []).map((question) => {
        const button = el("button", { type: "button", class: "example" }, String(question));
        button.addEventListener("click", () => {
          box.value = button.textContent;
          ask(button.textContent);
        });
        return el("li", {}, button);
      }),
    );
  }

  // options.filters: the scope to ask in (else the picker's); options.alone: send no history
  async function ask(raw, options = {}) {
    const question = raw.trim();
    if (busy || !question) return;
    setBusy(true);
    for (const failed of log.querySelectorAll(".turn.failed")) failed.remove();
    intro.hidden = true;
    const filters = options.filters || chosenFilters();
    const pending = pendingNode(question);
    log.append(pending);
    status.textContent = "Searching the reports…";
    let done;
    try {
      let response;
      try {
        response = await fetch("/api/ask", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(askBody(question, filters, options.alone ? [] : turns)),
        });
      } catch {
        throw new Error("Could not reach the service. Is it still running?");
      }
      if (!response.ok) {
        const message = await apiError(response);
        throw new Error(
          message
            ? `The service could not answer: ${message}`
            : `The service could not answer (HTTP ${response.status}). Try again in a moment.`,
        );
      }
      const data = await response.json();
      if (!data || !Array.isArray(data.passages)) throw new Error("The service sent an answer this page cannot read.");
      const turn = {
        question,
        passages: data.passages,
        answer: data.answer || null,
        message: typeof data.message === "string" ? data.message : null,
        scope: data.scope || null,
        filters,
      };
      turns.push(turn);
      saveTurns();
      forgetCleared(); // a conversation under way again: "New conversation" is no longer undone
      showTools();
      done = turnNode(turn);
      if (box.value.trim() === question) box.value = "";
      status.textContent = "";
    } catch (err) {
      done = errorNode(question, err.message);
      status.textContent = "";
    }
    pending.replaceWith(done);
    setBusy(false);
    done.scrollIntoView({ block: "start" });
    // without scrolling: where the box is not fixed to the bottom (short windows), it would
    // take the reader from the answer to the end of the page
    if (document.activeElement === document.body || document.activeElement === send) box.focus({ preventScroll: true });
  }

  // ---- feedback: was this answer right? ----------------------------------------------------

  const NOTE_CHARS = 1000; // as POST /api/feedback accepts

  // "Right" / "Wrong" under an answer, with an optional note: sent to /api/feedback with the
  // question, the passage ids and the direct answer shown. Once the service says it is
  // stored, the turn remembers the verdict (so the control says so after a reload).
  function feedbackControl(turn) {
    const said = el("p", { class: "feedback-status", role: "status" });
    if (turn.feedback === "right" || turn.feedback === "wrong") {
      said.textContent = `Thank you: you marked this answer ${turn.feedback}.`;
      return el("div", { class: "feedback done" }, said);
    }
    const note = el("textarea", {
      class: "feedback-note",
      rows: "1",
      maxlength: String(NOTE_CHARS),
      "aria-label": "Note on this answer (optional)",
      placeholder: "Optional note: what is right or wrong?",
    });
    const right = el("button", { type: "button", class: "quiet feedback-right" }, "Right");
    const wrong = el("button", { type: "button", class: "quiet feedback-wrong" }, "Wrong");
    const group = el(
      "div",
      { class: "feedback", role: "group", "aria-label": "Was this answer right?" },
      el("span", { class: "feedback-label" }, "Was this answer right?"),
      note, // first, so that a note is typed before the verdict that sends it
      right,
      wrong,
      said,
    );
    async function sendVerdict(verdict) {
      right.disabled = wrong.disabled = note.disabled = true;
      said.textContent = "Sending…";
      const body = {
        question: turn.question,
        passage_ids: turn.passages.map((p) => p.id).slice(0, 20),
        answer: turn.answer && typeof turn.answer.text === "string" ? turn.answer.text : null,
        verdict,
        note: note.value.trim() || null,
      };
      try {
        const response = await fetch("/api/feedback", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
        });
        if (!response.ok) {
          const message = await apiError(response);
          throw new Error(message ? `Not sent: ${message}` : `Not sent (HTTP ${response.status}).`);
        }
        turn.feedback = verdict;
        saveTurns();
        group.replaceChildren(said);
        group.classList.add("done");
        said.textContent = `Thank you: you marked this answer ${verdict}.`;
      } catch (err) {
        said.textContent = err instanceof TypeError ? "Not sent: the service could not be reached." : err.message;
        right.disabled = wrong.disabled = note.disabled = false;
      }
    }
    right.addEventListener("click", () => sendVerdict("right"));
    wrong.addEventListener("click", () => sendVerdict("wrong"));
    return group;
  }

  // ---- copying a citation ----------------------------------------------------------------

  function copyBySelection(text) {
    const area = el("textarea", { class: "visually-hidden", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }

  function copyCitation(passage, button) {
    const text = `${passage.cite}\n${new URL(passageHref(passage.id), location.href).href}`;
    return copyText(text, button, "Citation copied", "Could not copy the citation");
  }

  async function copyText(text, button, copied, failed) {
    const label = button.textContent;
    let ok;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // navigator.clipboard exists only on https and localhost
      ok = copyBySelection(text);
      button.focus();
    }
    button.textContent = ok ? "Copied" : "Copy failed";
    status.textContent = ok ? copied : failed;
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  }

  // ---- what is indexed -------------------------------------------------------------------

  function describeReports(reports) {
    if (!reports.length) return "No reports are indexed yet.";
    if (reports.length <= 3) {
      const names = reports.map(
        (r) => `${r.force} PEEL ${r.year}, ${r.pillar}${r.grade ? ` (graded ${r.grade})` : ""}`,
      );
      return `Indexed: ${names.join("; ")}.`;
    }
    const forces = new Set(reports.map((r) => r.force));
    const years = [...new Set(reports.map((r) => r.year))].sort();
    const span = years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : years[0];
    return `Indexed: ${reports.length} PEEL reports from ${forces.size} force${forces.size === 1 ? "" : "s"}, ${span}.`;
  }

  async function showCoverage() {
    try {
      const response = await fetch("/api/reports", { headers: { Accept: "application/json" } });
      if (!response.ok) {
        const message = await apiError(response);
        coverage.textContent = `The service is not ready: ${message || `HTTP ${response.status}`}`;
        coverage.classList.add("error-text");
        return;
      }
      const data = await response.json();
      coverage.textContent = describeReports(data.reports || []);
      // Set while a first run serves the base model and adapts it in the background.
      modelNote.textContent = data.model_note || "";
      modelNote.hidden = !data.model_note;
      showWaiting(data);
      fillPicker(data.filters);
      showExamples(data.examples);
    } catch {
      coverage.textContent = "Could not reach the service to see which reports are indexed.";
      coverage.classList.add("error-text");
    }
  }

  // ---- "New conversation", and taking it back ---------------------------------------------

  // The conversation "New conversation" put aside, kept (also across a reload) until it is
  // restored or a new question is asked.
  const CLEARED_KEY = "peel-qa.cleared.v1";
  const undoButton = el("button", { type: "button", class: "quiet" }, "Undo");
  const undoBar = el(
    "div",
    { class: "undo-bar", id: "undo-bar", hidden: true },
    el("p", {}, "Started a new conversation. The previous one is kept until you ask a question."),
    undoButton,
  );
  intro.before(undoBar);

  function loadCleared() {
    try {
      const data = JSON.parse(localStorage.getItem(CLEARED_KEY) || "[]");
      return Array.isArray(data) ? data.filter((t) => t && typeof t.question === "string" && Array.isArray(t.passages)) : [];
    } catch {
      return [];
    }
  }

  function keepCleared(cleared) {
    try {
      if (cleared.length) localStorage.setItem(CLEARED_KEY, JSON.stringify(cleared));
      else localStorage.removeItem(CLEARED_KEY);
    } catch {
      // Storage full or disabled: the undo still works until the page is closed.
    }
  }

  let cleared = turns.length ? [] : loadCleared();

  function showUndo() {
    undoBar.hidden = !cleared.length;
  }

  function forgetCleared() {
    if (!cleared.length) return;
    cleared = [];
    keepCleared(cleared);
    showUndo();
  }

  function startNewConversation() {
    if (!turns.length) {
      box.focus();
      return;
    }
    cleared = turns;
    keepCleared(cleared);
    turns = [];
    saveTurns();
    render();
    showUndo();
    status.textContent = "Started a new conversation. Undo brings the previous one back.";
    box.focus();
  }

  undoButton.addEventListener("click", () => {
    turns = cleared.concat(turns);
    saveTurns();
    forgetCleared();
    render();
    status.textContent = "The previous conversation is back";
    const last = log.lastElementChild;
    if (last) last.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  });

  // ---- the conversation as Markdown --------------------------------------------------------

  const exportButton = el("button", { type: "button", class: "quiet" }, "Save as Markdown");
  const tools = el(
    "div",
    { class: "conversation-tools", hidden: true },
    exportButton,
    el("span", { class: "tools-note" }, "questions, answers and every citation with its link"),
  );
  log.after(tools);

  function showTools() {
    tools.hidden = !turns.length;
  }

  // Markdown's own characters are escaped, so a question or report text shows as written.
  function md(text) {
    return String(text == null ? "" : text).replace(/[\\`*_[\]<>|~#]/g, "\\$&");
  }

  function absolute(href) {
    return new URL(href, location.href).href;
  }

  function quoted(text) {
    return String(text)
      .split("\n")
      .map((line) => `> ${md(line)}`.trimEnd())
      .join("\n");
  }

  function answerMarkdown(turn) {
    const a = turn.answer;
    if (!a || typeof a.text !== "string") {
      return [`**No answer in the reports.** ${md(turn.message || "The indexed reports don't answer this.")}`];
    }
    const out = [];
    const label = LABELS[a.kind] || "Answer";
    if (a.kind === "grade" && typeof a.grade === "string") out.push(`**${label}: ${md(a.grade)}.** ${md(a.text)}`);
    else if (Array.isArray(a.rows) && a.rows.length) {
      out.push(`**${label}:** ${md(a.text)}`, "", "| Force | Year | Pillar | Question | Grade |", "|---|---|---|---|---|");
      for (const row of a.rows) {
        const question = row.question_number != null ? `Q${row.question_number} ${row.question || ""}` : row.area ? String(row.area) : "Overall";
        const grade = md(row.grade || "no grade");
        const cell = typeof row.passage_id === "string" ? `[${grade}](${absolute(passageHref(row.passage_id))})` : grade;
        out.push(`| ${md(row.force)} | ${md(row.year)} | ${md(row.pillar || "")} | ${md(question)} | ${cell} |`);
      }
    } else if (Array.isArray(a.items) && a.items.length) {
      const grade = typeof a.grade === "string" ? ` (graded ${md(a.grade)})` : "";
      out.push(`**${label}${grade}:**`, "", ...a.items.map((item) => `- ${md(item)}`));
    } else {
      out.push(`**${label}:**`, "", quoted(a.text));
    }
    if (a.cite) {
      const link = typeof a.passage_id === "string" ? absolute(contextHref(a.passage_id, a.highlights)) : null;
      out.push("", link ? `Source: [${md(a.cite)}](${link})` : `Source: ${md(a.cite)}`);
    }
    return out;
  }

  function conversationMarkdown(when) {
    const lines = [
      "# PEEL report Q&A: a conversation",
      "",
      `Saved ${when} from ${absolute("/")}. The answers quote HMICFRS PEEL inspection reports; each citation links to the paragraph it quotes.`,
    ];
    turns.forEach((turn, i) => {
      lines.push("", `## ${i + 1}. ${md(turn.question.replace(/\s+/g, " "))}`, "");
      lines.push(`Scope: ${md(describeFilters(turn.filters))}. Asked again: ${shareLink(turn)}`, "");
      lines.push(...answerMarkdown(turn));
      if (turn.answer && turn.message) lines.push("", `*${md(turn.message)}*`);
      if (!turn.passages.length) return;
      lines.push("", turn.answer ? "### Passages, best match first" : "### The closest passages (not an answer)");
      turn.passages.forEach((p, j) => {
        const cite = md(p.cite || "");
        lines.push("", `${j + 1}. [${cite}](${absolute(contextHref(p.id, p.highlights))})`, "", quoted(p.text || ""));
      });
    });
    return `${lines.join("\n")}\n`;
  }

  exportButton.addEventListener("click", () => {
    const now = new Date();
    const when = now.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    const file = new Blob([conversationMarkdown(when)], { type: "text/markdown;charset=utf-8" });
    const link = el("a", { href: URL.createObjectURL(file), download: `peel-conversation-${now.toISOString().slice(0, 10)}.md` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    status.textContent = "The conversation was saved as a Markdown file";
  });

  // ---- a question shared as a link ---------------------------------------------------------

  const LINK_FILTERS = ["force", "year", "pillar"];

  // /?q=...: the page opens and asks it, in the scope it was asked in (force, year, pillar).
  function shareLink(turn) {
    const url = new URL("/", location.href);
    url.searchParams.set("q", turn.question);
    for (const key of LINK_FILTERS) {
      const value = turn.filters && turn.filters[key];
      if (typeof value === "string" && value) url.searchParams.set(key, value);
    }
    return url.href;
  }

  function shareControl(turn) {
    const button = el("button", { type: "button", class: "quiet share" }, "Copy link to this question");
    button.addEventListener("click", () =>
      copyText(shareLink(turn), button, "Link copied: it asks this question when opened", "Could not copy the link"),
    );
    return el("div", { class: "turn-actions" }, button);
  }

  // A link only ever asks: its question goes into the box as text and is sent to /api/ask
  // on its own (no earlier turns), and the address is put back to "/" so a reload does not
  // ask it again. Nothing else is read from the link.
  function askFromLink() {
    const params = new URLSearchParams(location.search);
    if (!params.has("q")) return;
    const question = (params.get("q") || "").slice(0, box.maxLength > 0 ? box.maxLength : 1000);
    const filters = {};
    for (const key of LINK_FILTERS) {
      const value = (params.get(key) || "").trim();
      if (!value) continue;
      filters[key] = value;
      const select = scopeSelects.find((s) => s.dataset.filter === key);
      if (select && [...select.options].some((o) => o.value === value)) select.value = value;
    }
    showScope();
    history.replaceState(null, "", location.pathname);
    if (!question.trim()) return;
    box.value = question;
    ask(question, { filters, alone: true });
  }


  // Set while report files added to the folder wait to be indexed; looked at again every
  // few seconds until they are, then the coverage line says what is indexed now.
  const WAITING_POLL_MS = 5000;

  function showWaiting(data) {
    waitingNote.textContent = data.waiting_note || "";
    waitingNote.hidden = !data.waiting_note;
    if (data.waiting_note) setTimeout(refreshWaiting, WAITING_POLL_MS);
  }

  async function refreshWaiting() {
    try {
      const response = await fetch("/api/reports", { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      coverage.textContent = describeReports(data.reports || []);
      showWaiting(data);
    } catch {
      // the next page load tries again
    }
  }

  // ---- wiring ---------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(box.value);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask(box.value);
    }
  });
  for (const select of scopeSelects) select.addEventListener("change", showScope);
  newConversation.addEventListener("click", startNewConversation);

  render();
  showUndo();
  showCoverage().then(askFromLink);
})();
