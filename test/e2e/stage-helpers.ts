/**
 * Helpers shared by the stage end-to-end tests (stages.test.ts, evaluation.test.ts): a session on a
 * temp SQLite file with setup done through the API, screenshots, and antd widget drivers.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { openBackend, type Backend } from '../../electron/backend'
import { startHarness, type Harness } from '../../electron/harness/http'
import { headlessPlatform } from '../../electron/platform'
import type { ApiInput, ApiOutput } from '../../shared/api'
import type { Channel } from '../../shared/channels'
import type { Role } from '../../shared/roles'
import type { LaunchedBrowser } from './browser'
import { ROOT, STATIC_DIR } from './build'
import { signInAsOperator, signInTestAdmin, TEST_PASSWORD } from '../helpers/backend'

export const SHOTS = join(ROOT, 'test-output', 'screenshots')
export const T = 15_000

export interface StageSession {
  dir: string
  backend: Backend
  harness: Harness
  page: Page
  errors: string[]
  api<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>>
  close(): Promise<void>
}

/** Opens a backend, runs `setup` through the API (operator, org, units, projects), then the page. */
export async function openStageSession(
  browser: LaunchedBrowser,
  name: string,
  setup: (api: StageSession['api']) => Promise<void>,
  opts: { signIn?: boolean } = {},
): Promise<StageSession> {
  mkdirSync(SHOTS, { recursive: true })
  const dir = mkdtempSync(join(tmpdir(), `yusuan-e2e-${name}-`))
  const backend = await openBackend({ dataDir: join(dir, 'data'), appVersion: '0.0.0-e2e', platform: headlessPlatform, harness: true })
  const api = async <C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> => {
    const r = await backend.dispatch(channel, input)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
    return r.data as ApiOutput<C>
  }
  // Signed in before the page opens: the page finds the session and skips the sign-in screen.
  if (opts.signIn !== false) await signInTestAdmin(backend.dispatch)
  await setup(api)
  const harness = await startHarness({ backend, staticDir: STATIC_DIR })
  const page = await browser.context.newPage()
  page.setDefaultTimeout(T)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push('console: ' + m.text())
  })
  await page.goto(harness.url)
  return {
    dir,
    backend,
    harness,
    page,
    errors,
    api,
    async close() {
      await page.close().catch(() => undefined)
      await harness.close()
      await backend.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Signs in on the page as another operator (created through the API with these roles on first use),
 * e.g. so that the one who approves is not the one who submitted.
 */
export async function signInOnPage(s: StageSession, name: string, roles: Role[] = ['预算股'], divisionId: string | null = null) {
  // Makes sure the operator exists with the test password (through the API, whoever is signed in).
  await signInAsOperator(s.backend.dispatch, name, roles, divisionId)
  await signInThroughPage(s.page, name)
}

/**
 * Signs out and in again through the page's 登录 dialog as `name` (the test password), unless the
 * page is already signed in as `name`. An open item drawer covers the header: it is closed first
 * (the caller reopens the item as the new operator).
 */
export async function signInThroughPage(page: Page, name: string) {
  if ((await page.getByTestId('current-operator').textContent()) === name) return
  if (await drawer(page).locator('.ant-drawer-close').isVisible().catch(() => false)) await closeDrawer(page)
  await page.getByTestId('sign-out').click()
  const dlg = page.getByRole('dialog', { name: '登录' })
  await expect.poll(() => dlg.isVisible(), { timeout: T }).toBe(true)
  await dlg.getByLabel('姓名').fill(name)
  await dlg.getByLabel('密码').fill(TEST_PASSWORD)
  await dlg.getByRole('button', { name: '登录' }).click()
  await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe(name)
}

/** Runs `steps`; when they fail, keeps the page as it was in test-output/screenshots/zz-failure-NAME.png. */
export async function shotOnFailure<T>(page: Page, name: string, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps()
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, `zz-failure-${name}.png`) }).catch(() => undefined)
    throw e
  }
}

/** The county set-up every stage test needs: an operator, the org, two 股室. */
export async function setUpCounty(api: StageSession['api']) {
  const op = await api('operators/save', { name: '李明', divisionId: null, roles: ['系统管理员', '预算股'], password: TEST_PASSWORD })
  await api('session/signIn', { name: '李明', password: TEST_PASSWORD })
  const budget = await api('divisions/save', { name: '预算股' })
  const jkw = await api('divisions/save', { name: '教科文股' })
  const jjs = await api('divisions/save', { name: '经济建设股' })
  await api('operators/save', { id: op.id, name: '李明', divisionId: budget.id })
  const settings = await api('settings/get', {})
  await api('settings/save', {
    ...settings,
    numberForms: true,
    org: {
      county: '师宗县',
      bureau: '师宗县财政局',
      issuerMark: '师宗县财政局文件',
      prefixBudget: '师财预',
      prefixPerformance: '师财绩',
      printer: '师宗县财政局办公室',
      signature: '师宗县财政局',
    },
  })
  return { op, divisions: { budget, jkw, jjs } }
}

let lastShot = Date.now()
export async function shot(page: Page, name: string) {
  // antd's motion (messages, modals, drawers) is run to its end for the capture, instead of
  // waiting a fixed time for it to settle.
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false, animations: 'disabled' })
  if (process.env.E2E_TIMING) console.log(`${name}: ${Date.now() - lastShot} ms`)
  lastShot = Date.now()
}

export async function menu(page: Page, label: string) {
  await page.getByRole('menuitem', { name: label, exact: true }).click()
}

/**
 * Opens an antd Select and clicks the option with this text (typing it first for searchable ones).
 * Only the newest dropdown that is not animating closed counts: a previous one may still be leaving.
 */
export async function pick(page: Page, select: Locator, option: string, type?: string) {
  const root = select.locator('xpath=ancestor-or-self::div[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]')
  // A modal or drawer still moving in moves the Select under the pointer: wait until it has settled.
  await expect.poll(() => page.locator('.ant-zoom-appear, .ant-zoom-enter, .ant-drawer-panel-motion-right-enter').count()).toBe(0)
  await root.locator('.ant-select-selector').click()
  if (type) await page.keyboard.type(type)
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden):not([class*="-leave"])').last()
  await open.locator('.ant-select-item-option').filter({ hasText: option }).first().click()
}

/**
 * Chooses `file` in an import dialog's drop zone once the dialog is open at 选择文件 (its opening
 * motion over, the input enabled), then waits for `next`, what the dialog shows next (its next step,
 * or its read error when that is expected). If that does not come, the failure says what the dialog
 * showed instead: its error, or its text as it stood.
 */
export async function chooseFile(page: Page, dlg: Locator, file: string, next: Locator) {
  const zone = dlg.locator('.ant-upload-drag')
  await expect.poll(() => zone.isVisible(), { timeout: T }).toBe(true)
  await expect.poll(() => page.locator('.ant-zoom-appear, .ant-zoom-enter').count()).toBe(0)
  const input = dlg.locator('input[type=file]')
  await expect.poll(() => input.isDisabled()).toBe(false)
  const error = dlg.getByTestId('import-read-error')
  const errorText = async () => ((await error.isVisible()) ? await error.innerText() : null)
  // The last file's error stays until this one is read: only another text counts.
  const before = await errorText()
  await input.setInputFiles(file)
  const name = file.split(/[\\/]/).pop()
  const moved = async () => (await next.isVisible()) || ![null, before].includes(await errorText())
  try {
    await expect.poll(moved, { timeout: T }).toBe(true)
  } catch {
    const shown = await dlg.innerText().catch((e: unknown) => `（对话框已不在页面上：${String(e)}）`)
    const notices = await page.locator('.ant-message-notice, .ant-modal-confirm').allInnerTexts()
    throw new Error(`选择“${name}”后对话框没有进入下一步。对话框显示：${shown.replace(/\s+/g, ' ')}${notices.length ? `；提示：${notices.join(' / ')}` : ''}`)
  }
  if (!(await next.isVisible())) throw new Error(`选择“${name}”后对话框报错：${await error.innerText()}`)
}

/** Closes an open multi-select dropdown. */
export async function closeDropdowns(page: Page) {
  await page.keyboard.press('Escape')
}

export async function setDate(page: Page, input: Locator, iso: string) {
  const el = (await input.evaluate((n) => n.tagName)) === 'INPUT' ? input : input.locator('input').first()
  await el.click()
  await el.fill(iso)
  await el.press('Enter')
  await expect.poll(() => page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').count()).toBe(0)
}

export async function expectMessage(page: Page, text: string | RegExp) {
  await expect.poll(() => page.locator('.ant-message-notice').filter({ hasText: text }).count(), { timeout: T }).toBeGreaterThan(0)
}

/** The input inside an antd InputNumber / Input found by data-testid (antd puts the id on either). */
export function field(scope: Page | Locator, testid: string): Locator {
  return scope.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input, textarea[data-testid="${testid}"]`).first()
}

export const drawer = (page: Page) => page.locator('.item-drawer')

/**
 * Opens a project's drawer from the list and waits for it. Only a shown row counts: a closed
 * dialog's table (the round form's project picker) may hold the same name while the list's page
 * is still on its way.
 */
export async function openItem(page: Page, projectName: string) {
  await page.locator('.ant-table-row:visible').filter({ hasText: projectName }).first().click()
  await expect.poll(() => drawer(page).getByTestId('drawer-title').textContent()).toBe(projectName)
}

/** Closes the item drawer and waits until its close button is gone (the drawer has finished closing). */
export async function closeDrawer(page: Page) {
  const close = drawer(page).locator('.ant-drawer-close')
  await close.click()
  await expect.poll(() => close.isVisible().catch(() => false)).toBe(false)
}

/** Issues the open DocumentDialog (any kind) and returns the 文号 line and the file path. */
export async function issueDoc(page: Page, title: RegExp, date: string): Promise<{ number: string; path: string; close(): Promise<void> }> {
  const dlg = page.getByRole('dialog', { name: title })
  await expect.poll(() => dlg.getByLabel('标题').inputValue(), { timeout: T }).not.toBe('')
  await setDate(page, dlg.getByLabel('成文日期'), date)
  await dlg.getByTestId('doc-issue').click()
  await expect.poll(() => dlg.locator('.ant-result-title').isVisible(), { timeout: 30_000 }).toBe(true)
  const number = ((await dlg.locator('.ant-result-subtitle').textContent()) ?? '').trim()
  const path = ((await dlg.getByTestId('saved-path').textContent()) ?? '').trim()
  return { number, path, close: () => dlg.getByRole('button', { name: '关闭' }).click() }
}
