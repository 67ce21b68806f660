/** The header's yellow banner while a year package is open read-only, with the way back. */
import { EyeOutlined, RollbackOutlined } from '@ant-design/icons'
import { Button } from 'antd'
import { useEffect, useState } from 'react'
import { attempt, notifySuccess } from '../../errors'
import { useApp } from '../../store'
import { useViewing } from './viewing'
import './yeardata.css'

export function ViewingBanner() {
  const viewing = useViewing((s) => s.viewing)
  const dataVersion = useApp((s) => s.dataVersion)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void useViewing
      .getState()
      .load()
      .catch(() => undefined)
  }, [dataVersion])

  if (!viewing) return null
  const back = async () => {
    setBusy(true)
    const ok = await attempt(async () => {
      await useViewing.getState().close()
      return true
    })
    setBusy(false)
    if (ok) notifySuccess('已返回工作数据')
  }
  return (
    <div className="viewing-banner" role="status" data-testid="viewing-banner">
      <EyeOutlined />
      <span>
        正在只读查看：<b>{viewing.label}</b>
      </span>
      <Button size="small" icon={<RollbackOutlined />} onClick={back} loading={busy} data-testid="viewing-close">
        返回工作数据
      </Button>
    </div>
  )
}
