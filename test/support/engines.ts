/**
 * Tests that need an engine named by a setting of `npm run -s engines:up`.
 * Without the setting: under CI=true the test fails (CI provisions the engines);
 * elsewhere it is reported, by name and with a warning, as not run.
 */
export function engineTest(engine: string, setting: string, title: string, body: (value: string) => Promise<void>, timeoutMs = 90_000): void {
  const value = process.env[setting]?.trim();
  if (value) {
    it(title, () => body(value), timeoutMs);
    return;
  }
  const reason = `${setting} is not set: run \`npm run -s engines:up\` and export the settings it prints`;
  if (process.env.CI === 'true') {
    it(`${engine}: ${setting} must be set in CI`, () => {
      throw new Error(`${reason} (CI=true, so the ${engine} test may not be skipped)`);
    });
  } else {
    it(`${engine}: NOT RUN (${setting} not set): ${title}`, () => {
      console.warn(`${engine} test not run: ${reason}`);
    });
  }
}
