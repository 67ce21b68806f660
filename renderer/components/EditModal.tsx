/** The dialog every edit form in the app uses: 保存/取消, a busy state, the form kept mounted. */
import { Modal, type ModalProps } from 'antd'
import type { ReactNode } from 'react'

export function EditModal({ open, title, busy, onSave, onClose, children, ...rest }: { open: boolean; title: ReactNode; busy: boolean; onSave: () => void; onClose: () => void; children: ReactNode } & Omit<ModalProps, 'open' | 'title' | 'onOk' | 'onCancel'>) {
  return (
    <Modal open={open} title={title} onCancel={onClose} onOk={onSave} okText="保存" cancelText="取消" confirmLoading={busy} forceRender {...rest}>
      {children}
    </Modal>
  )
}
