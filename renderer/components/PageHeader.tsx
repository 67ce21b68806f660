/** A page's title row: title (and a grey note) on the left, the page's main actions on the right. */
import { Space } from 'antd'
import type { ReactNode } from 'react'

export function PageHeader({ title, note, extra }: { title: ReactNode; note?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="page-head">
      <div className="page-title">
        {title}
        {note && <span className="page-note">{note}</span>}
      </div>
      {extra && <Space size={8}>{extra}</Space>}
    </div>
  )
}
