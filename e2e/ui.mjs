// Browser steps of the end-to-end suite: headless Debian Chromium driven by playwright-core.
//
//   node e2e/ui.mjs add   --url http://127.0.0.1:PORT --out artifacts/e2e
//   node e2e/ui.mjs shots --url http://127.0.0.1:PORT --out artifacts/e2e
//
// "add" logs in, finds the discovered virtual wearable under Settings → Devices & services, adds it
// through the config flow (confirm, connection progress, placement, calibration walk) and checks
// the device page lists its entities. "shots" takes the integration page, device page and the
// shipped dashboard. Credentials come from RETROWALK_E2E_USER / RETROWALK_E2E_PASSWORD. The last
// stdout line is a JSON summary; failures leave a screenshot named failure-<phase>.png.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CHROMIUM = process.env.RETROWALK_E2E_CHROMIUM || '/usr/bin/chromium';
const DEVICE_NAME = 'Retrowalk IMU Virtual';
// The placement's label as the form shows it, from the integration's own strings (one home).
const STRINGS = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..',
  'custom_components', 'retrowalk', 'translations', 'en.json'), 'utf8'));
const FOOT = STRINGS.selector.placement.options.foot;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const { positionals, values: opts } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, out: { type: 'string', default: 'artifacts/e2e' } },
});
const phase = positionals[0];
const base = opts.url;
mkdirSync(opts.out, { recursive: true });

const log = (...a) => console.error('[ui]', ...a);
const shot = async (page, name) => {
  // Let lazy-loaded panels and cards settle before the picture.
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(1500);
  const path = join(opts.out, `${name}.png`);
  await page.screenshot({ path });
  log('screenshot', path);
  return path;
};

async function login(page) {
  await page.goto(base + '/');
  await page.locator('input[name="username"]').fill(process.env.RETROWALK_E2E_USER);
  await page.locator('input[name="password"]').fill(process.env.RETROWALK_E2E_PASSWORD);
  await page.getByRole('button', { name: /log in/i }).click();
  // The front end is up once its root element has a connected hass object.
  await page.waitForFunction(
    () => document.querySelector('home-assistant')?.hass?.connected === true, null, { timeout: 60000 },
  );
  log('logged in');
  // What the Notifications badge counts, for the record.
  const titles = await page.evaluate(() => new Promise((resolve) => {
    const conn = document.querySelector('home-assistant').hass.connection;
    conn.subscribeMessage((msg) => resolve(Object.values(msg.notifications || {})
      .map((n) => `${n.title || ''}: ${n.message}`.slice(0, 200))),
    { type: 'persistent_notification/subscribe' });
  }));
  if (titles.length) log('persistent notifications:', JSON.stringify(titles));
}

// The websocket connection the front end already holds (used for lookups and the wearer's walk).
const ws = (page, msg) => page.evaluate((m) => document.querySelector('home-assistant').hass.callWS(m), msg);

async function deviceId(page) {
  const devices = await ws(page, { type: 'config/device_registry/list' });
  const device = devices.find((d) => d.name === DEVICE_NAME);
  if (!device) throw new Error(`no device named ${DEVICE_NAME} in the registry`);
  return device.id;
}

// The flow dialog; everything inside it is looked up through its (open) shadow roots.
const dialog = (page) => page.locator('dialog-data-entry-flow');

async function waitForStep(page, text, timeout = 60000) {
  await dialog(page).getByText(text, { exact: false }).first().waitFor({ timeout });
  log('flow step:', text);
}

async function expectAttr(locator, name, value) {
  const actual = await locator.getAttribute(name);
  if (actual !== value) throw new Error(`expected ${name}=${value}, found ${actual}`);
}

async function submit(page) {
  await dialog(page).getByRole('button', { name: /^(submit|next|ok)$/i }).click();
}

async function addDevice(page) {
  await page.goto(base + '/config/integrations/dashboard');
  const card = page.locator('ha-config-flow-card').filter({ hasText: DEVICE_NAME });
  await card.first().waitFor({ timeout: 60000 });
  const discovered = await shot(page, '01-discovered');
  await card.first().getByRole('button', { name: /^add$/i }).click();

  await waitForStep(page, `Add ${DEVICE_NAME}?`);
  const confirm = await shot(page, '02-confirm');
  await submit(page);

  // Test connection (progress; the integration allows up to 60 s to connect plus 15 s for the
  // first data), then where it is worn.
  await waitForStep(page, 'Where do you wear it?', 120000);
  await dialog(page).getByRole('radio', { name: FOOT }).click();
  await expectAttr(dialog(page).getByRole('radio', { name: FOOT }), 'aria-checked', 'true');
  // The form's only switch is "Calibrate now" (it has no accessible name of its own).
  await dialog(page).getByText('Calibrate now').first().waitFor();
  await dialog(page).locator('ha-switch').first().click();
  await expectAttr(dialog(page).getByRole('switch'), 'aria-checked', 'true');
  const placement = await shot(page, '03-placement');
  await submit(page);

  await waitForStep(page, 'Calibration walk');
  await submit(page);
  await waitForStep(page, 'Walk 20 steps forward now');
  // The flow listens now: the virtual wearer walks forward (then sits).
  await ws(page, {
    type: 'call_service', domain: 'retrowalk_virtual', service: 'play',
    service_data: { scenario: 'stand:2s,forward:30,sit:1h', speed: 2, loop: false },
  });
  log('virtual wearer walks forward');
  const calibrating = await shot(page, '04-calibrating');

  // Created: Home Assistant asks for the device's name and area ("Skip and finish").
  await dialog(page).getByRole('button', { name: /finish/i }).waitFor({ timeout: 120000 });
  const created = await shot(page, '05-created');
  await dialog(page).getByRole('button', { name: /finish/i }).click();
  await dialog(page).waitFor({ state: 'detached', timeout: 20000 }).catch(() => {});

  const id = await deviceId(page);
  await page.goto(`${base}/config/devices/device/${id}`);
  await page.getByText('Forward steps today').first().waitFor({ timeout: 60000 });
  await page.getByText('Backward steps today').first().waitFor();
  await page.getByText('Sedentary').first().waitFor();
  const devicePage = await shot(page, '06-device');
  return { device_id: id, screenshots: [discovered, confirm, placement, calibrating, created, devicePage] };
}

async function screenshots(page) {
  await page.goto(base + '/config/integrations/integration/retrowalk');
  await page.getByText(DEVICE_NAME).first().waitFor({ timeout: 60000 });
  const integration = await shot(page, 'integration');
  const id = await deviceId(page);
  // Taller, so the device page shows most of its entities.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.goto(`${base}/config/devices/device/${id}`);
  await page.getByText('Forward steps today').first().waitFor({ timeout: 60000 });
  const device = await shot(page, 'device');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(base + '/retrowalk-e2e/walking');
  await page.locator('hui-tile-card').first().waitFor({ timeout: 60000 });
  await page.getByText('Backward goal').first().waitFor({ timeout: 30000 });
  const dashboard = await shot(page, 'dashboard');
  return { device_id: id, screenshots: [integration, device, dashboard] };
}

const PHASES = { add: addDevice, shots: screenshots };
if (!PHASES[phase] || !base) {
  console.error('usage: node e2e/ui.mjs add|shots --url URL [--out DIR]');
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
let status = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  page.on('pageerror', (err) => log('page error:', err.message));
  try {
    await login(page);
    const result = await PHASES[phase](page);
    console.log(JSON.stringify({ phase, ok: true, ...result }));
  } catch (err) {
    status = 1;
    log(`${phase} failed:`, err.message);
    await page.screenshot({ path: join(opts.out, `failure-${phase}.png`) }).catch(() => {});
    console.log(JSON.stringify({ phase, ok: false, error: err.message }));
  }
} finally {
  await browser.close();
}
process.exit(status);
