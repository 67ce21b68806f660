/** A project name with its earlier 绩效评价 result, so 结果运用 is seen when the project returns. */
import { Tag, Tooltip } from 'antd'

export function EvaluationNote({ name, note }: { name: string; note: string | null }) {
  if (!note) return <>{name}</>
  const grade = /：(优|良|中|差)/.exec(note)?.[1]
  const color = grade === '优' || grade === '良' ? 'green' : grade === '中' ? 'orange' : 'red'
  return (
    <span>
      {name}{' '}
      <Tooltip title={`以往评价：${note}`}>
        <Tag color={color} style={{ marginInlineStart: 4 }}>
          以往评价 {grade}
        </Tag>
      </Tooltip>
    </span>
  )
}
