// Runs axe-core (WCAG 2.1 A/AA and best practices) on pages of a running Teilhabe at a 360 px
// wide viewport and prints one JSON line per page. Signs in first when TEILHABE_A11Y_EMAIL and
// TEILHABE_A11Y_PASSWORD are set. Usage: node axe.js BASE_URL PATH...
const fs = require('fs');
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

(async () => {
  const [base, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  // The strict CSP refuses injected scripts, as it should; the check bypasses it.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  if (process.env.TEILHABE_A11Y_EMAIL) {
    await page.goto(base + '/account/login');
    await page.fill('#email', process.env.TEILHABE_A11Y_EMAIL);
    await page.fill('#password', process.env.TEILHABE_A11Y_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }
  for (const path of paths) {
    const response = await page.goto(base + path);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    }));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(JSON.stringify({
      path,
      status: response.status(),
      width,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, target: v.nodes[0].target.join(' '),
      })),
    }));
  }
  await browser.close();
})().catch((error) => { console.error(error); process.exit(2); });
