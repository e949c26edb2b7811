// WCAG 2 contrast of every piece of visible text on the page against what is painted
// behind it (tests/test_page_tools.py): returns the failures, how many were checked and the
// luminance behind the body. Text needs 4.5:1, large text (24 px, or 18.66 px bold) 3:1;
// decorative separators (aria-hidden punctuation) and disabled controls are left out, as
// WCAG leaves them out. A textarea's placeholder is checked too.
(() => {
  const rgba = (text) => {
    const m = text.match(/rgba?\(([^)]*)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const behind = (node) => {
    const chain = [];
    for (let n = node; n; n = n.parentElement) chain.unshift(n);
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (const n of chain) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0) bg = over(c, bg);
    }
    return bg;
  };
  const ratio = (fg, bg) => {
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const check = (node, color, label) => {
    const style = getComputedStyle(node);
    const bg = behind(node);
    const fg = over(rgba(color), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const r = ratio(fg, bg);
    return r < (large ? 3 : 4.5) ? [`${label}: ${r.toFixed(2)} (${style.color} on rgb(${bg.r|0}, ${bg.g|0}, ${bg.b|0}))`] : [];
  };
  const failures = [];
  let checked = 0;
  for (const node of document.querySelectorAll("body *")) {
    const own = [...node.childNodes].filter((c) => c.nodeType === 3).map((c) => c.data).join("").trim();
    const control = node.matches("select, textarea, input");
    if (!own && !control) continue;
    if (!node.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const box = node.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || node.closest(".visually-hidden")) continue;
    if (node.closest("[aria-hidden=true]") && !/[\p{L}\p{N}]/u.test(own)) continue;
    if (node.matches(":disabled")) continue;
    checked++;
    const label = `${node.tagName.toLowerCase()}.${node.className} "${(own || node.value || "").slice(0, 30)}"`;
    failures.push(...check(node, getComputedStyle(node).color, label));
    if (node.matches("textarea[placeholder]") && !node.value) {
      failures.push(...check(node, getComputedStyle(node, "::placeholder").color, label + " placeholder"));
    }
  }
  const page = lum(behind(document.body));
  return { failures, checked, page };
})
