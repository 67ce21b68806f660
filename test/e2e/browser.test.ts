/** The browser finder: where it looks, and that a missing browser is a failure with instructions. */
import { afterEach, describe, expect, it } from 'vitest'
import { NO_BROWSER_MESSAGE, browserCandidates, findBrowser } from './browser'

describe('e2e browser finder', () => {
  const saved = process.env.CHROMIUM_PATH
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH
    else process.env.CHROMIUM_PATH = saved
  })

  it('looks at CHROMIUM_PATH first, then the usual places per platform', () => {
    expect(browserCandidates({ CHROMIUM_PATH: '/opt/x/chrome' }, 'linux')[0]).toBe('/opt/x/chrome')
    expect(browserCandidates({}, 'linux')).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']))
    const win = browserCandidates({ PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' }, 'win32').join('|')
    expect(win).toContain('chrome.exe')
    expect(win).toContain('msedge.exe')
    expect(browserCandidates({}, 'darwin').join('|')).toContain('Google Chrome.app')
  })

  it('fails, naming how to install one, when CHROMIUM_PATH points nowhere', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium-for-test'
    expect(() => findBrowser()).toThrow(/CHROMIUM_PATH/)
    expect(NO_BROWSER_MESSAGE).toContain('apt-get install chromium')
    expect(NO_BROWSER_MESSAGE).toContain('CHROMIUM_PATH')
  })
})
