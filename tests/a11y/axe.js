// Checks pages of a running Teilhabe in headless Chromium and prints one JSON line per step:
// axe-core (WCAG 2.1 A/AA and best practices) at 360 px, the page width at 360 and 320 px
// (reflow) and table captions cut off at 320 px, the title, the contrast of the focus ring on a
// header link and on a link in the content, where the focus is and whether it can be seen, and
// the language of the page's heading. Signs in first when TEILHABE_A11Y_EMAIL and TEILHABE_A11Y_PASSWORD are set.
//
// Usage: node axe.js BASE_URL STEP...  where a STEP is
//   /path          open the page
//   fail /path     open the page, empty every field of its form posting to /path, send it
//                  (the answer should be the form refused, 422)
//   signup /path   open the workshop page and sign up for it under a made-up name
const fs = require('fs');
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const WIDE = 360;
const NARROW = 320;
const HEIGHT = 740;

// Runs in the page: contrast of the focus ring of the focused element against what lies behind
// the ring (the element's own background for an inset ring, else its parent's).
function focusRing() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (c) => {
    const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
    return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
  };
  const luminance = ({ r, g, b }) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const style = getComputedStyle(el);
  const inset = parseFloat(style.outlineOffset) < 0;
  let node = inset ? el : el.parentElement;
  let background = { r: 255, g: 255, b: 255, a: 1 };
  while (node) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) { background = c; break; }
    node = node.parentElement;
  }
  const ring = parse(style.outlineColor);
  const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && ring;
  if (!visible) return { element: el.outerHTML.slice(0, 80), contrast: 0 };
  const [a, b] = [luminance(ring), luminance(background)].sort((x, y) => y - x);
  return {
    element: el.outerHTML.slice(0, 80),
    focusVisible: el.matches(':focus-visible'),
    contrast: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100,
  };
}

async function ringOn(page, selector) {
  const found = await page.evaluate((s) => {
    const el = document.querySelector(s);
    if (!el) return false;
    el.focus();
    return document.activeElement === el;
  }, selector);
  return found ? page.evaluate(focusRing) : null;
}

(async () => {
  const [base, ...steps] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  // The strict CSP refuses injected scripts, as it should; the check bypasses it.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: WIDE, height: HEIGHT } });
  const page = await context.newPage();
  if (process.env.TEILHABE_A11Y_EMAIL) {
    await page.goto(base + '/account/login');
    await page.fill('#email', process.env.TEILHABE_A11Y_EMAIL);
    await page.fill('#password', process.env.TEILHABE_A11Y_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }
  for (const step of steps) {
    const [kind, path] = step.includes(' ') ? step.split(' ') : ['open', step];
    let response = await page.goto(base + path);
    if (kind === 'fail' || kind === 'signup') {
      const form = `main form[action="${path}"]`;
      await page.$eval(form, (f, signup) => {
        f.noValidate = true;
        for (const field of f.querySelectorAll('input:not([type=hidden]), textarea')) {
          if (['checkbox', 'radio'].includes(field.type)) field.checked = false;
          else field.value = '';
        }
        if (signup) {
          f.querySelector('#name').value = 'Alex Beispiel';
          f.querySelector('#people').value = '1';
        }
      }, kind === 'signup');
      [response] = await Promise.all([
        page.waitForNavigation(),
        page.click(`${form} button[type=submit]`),
      ]);
      // The browser moves the focus (autofocus) once the page is shown; wait until it has.
      await page.waitForFunction(() => document.activeElement !== document.body, null, { timeout: 3000 })
        .catch(() => {});
    }
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      return {
        errorSummary: el.classList.contains('error-summary'),
        inView: box.top >= 0 && box.top < window.innerHeight && box.bottom > 0,
      };
    });
    const facts = await page.evaluate(() => {
      const h1 = document.querySelector('main h1');
      const lang = h1 && h1.closest('[lang]');
      return {
        title: document.title,
        lang: document.documentElement.lang,
        h1Lang: lang ? lang.getAttribute('lang') : null,
        errorSummaryFirst: !!document.querySelector('main > .error-summary:first-child'),
      };
    });
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    }));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.setViewportSize({ width: NARROW, height: HEIGHT });
    const width320 = await page.evaluate(() => document.documentElement.scrollWidth);
    // A table wider than the screen scrolls inside its region, so the page does not; but its
    // caption's text must still fit on the screen, or it is cut off until one scrolls sideways.
    const cutCaptions = await page.evaluate(() => [...document.querySelectorAll('caption')]
      .filter((caption) => !caption.classList.contains('visually-hidden'))
      .filter((caption) => {
        const text = document.createRange();
        text.selectNodeContents(caption);
        return text.getBoundingClientRect().right > window.innerWidth + 1;
      })
      .map((caption) => caption.textContent.trim()));
    await page.setViewportSize({ width: WIDE, height: HEIGHT });
    // A key press first, so the browser shows the focus as it does for keyboard users.
    await page.keyboard.press('Shift');
    const headerRing = await ringOn(page, '.site-header a');
    const contentRing = await ringOn(page, 'main a[href]:not(.button)');
    console.log(JSON.stringify({
      step,
      path,
      kind,
      status: response.status(),
      width,
      width320,
      cutCaptions,
      ...facts,
      focus,
      headerRing,
      contentRing,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, target: v.nodes[0].target.join(' '),
      })),
    }));
  }
  await browser.close();
})().catch((error) => { console.error(error); process.exit(2); });
