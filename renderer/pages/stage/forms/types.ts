/** What every stage form gets from the item drawer. */
import type { MutableRefObject } from 'react'
import type { ItemDetail } from '../../../../shared/domain'

export interface StageFormProps {
  detail: ItemDetail
  /** canEdit(status): the unit (or the reviewer before deciding) may still change the data. */
  editable: boolean
  /** After a save: the fresh detail if the save returned it, otherwise the drawer reloads it. */
  onSaved(detail?: ItemDetail): void
  onDirty(dirty: boolean): void
  /** The drawer calls this before 提交审核 when there are unsaved changes; false = not saved. */
  saveRef: MutableRefObject<(() => Promise<boolean>) | null>
}
