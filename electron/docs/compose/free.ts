/**
 * 起草公文: a 通知 / 办法 / 报告 written freely from a title, 主送, body, 附件 and 抄送 (e.g. the
 * 第三方中介机构参与预算绩效管理办法, 师财预〔2024〕102号), numbered from the register like every
 * other 公文. Its draft (free_documents) says the 代字 (预算 or 绩效) and 上行文 or 下行文.
 */
import { AppError } from '../../../shared/result'
import { parseJson } from '../../handlers/context'
import { renderNotice } from './common'
import type { Composer } from './types'

export const composeFreeDoc: Composer = async ({ recordId }, ctx) => {
  if (!recordId) throw new AppError('VALIDATION', '缺少公文草稿编号，请在“发文登记—起草公文”中起草')
  const row = await ctx.db.selectFrom('free_documents').selectAll().where('id', '=', recordId).executeTakeFirst()
  if (!row) throw new AppError('NOT_FOUND', '找不到这份公文草稿，可能已被删除')
  const upward = row.direction === 'up'
  return {
    key: `free-doc:${row.id}`,
    records: [{ id: row.id, label: `${row.doc_type}·${upward ? '上行文' : '下行文'}` }],
    defaults: {
      title: row.title,
      recipients: row.recipients,
      body: row.body,
      attachments: parseJson<string[]>(row.attachments, []),
      copyTo: row.copy_to,
    },
    defaultDate: row.date,
    prefixKey: row.prefix_key === 'performance' ? 'performance' : 'budget',
    upward,
    // The issued text goes back to the draft, so the draft and the register say the same.
    async persist(w, text) {
      await w.update('free_documents', row.id, {
        title: text.title,
        recipients: text.recipients,
        body: text.body,
        attachments: JSON.stringify(text.attachments),
        copy_to: text.copyTo,
        date: text.date,
      })
    },
    render: (text, s) => renderNotice(text, s, [], { upward }),
  }
}
