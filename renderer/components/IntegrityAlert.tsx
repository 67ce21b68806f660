import { Alert } from 'antd'
import { useApp } from '../store'

/**
 * The working file's full integrity check runs in the background after start (a start-up check of
 * every page would keep the window waiting for seconds at city scale); a failed one is said here.
 */
export function IntegrityAlert() {
  const integrity = useApp((s) => s.info?.integrity)
  if (integrity?.state !== 'damaged') return null
  return (
    <Alert
      type="error"
      showIcon
      banner
      data-testid="integrity-alert"
      message="数据库完整性检查未通过"
      description={`${integrity.reason ?? ''}。请不要继续录入：在“年度数据”中导出数据包留存后，从最近的备份恢复，或联系技术支持。`}
    />
  )
}
