/**
 * What the backend needs from the desktop shell. Electron supplies shell-backed functions;
 * the test harness and scripts supply plain ones, so the backend never imports electron.
 */
export interface Platform {
  /** Opens a file with its default program, or shows it in its folder when `reveal` is true. */
  openPath(path: string, reveal: boolean): Promise<boolean>
}

export const headlessPlatform: Platform = {
  async openPath() {
    return false
  },
}
