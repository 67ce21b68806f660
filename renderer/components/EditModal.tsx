/**
 * The dialogs that hold typed input. GuardedModal is antd's Modal that never drops what was typed by
 * accident: once anything inside was typed into or changed, Esc, a click outside, × and 取消 first ask
 * "放弃已填写的内容？". EditModal is the edit form built on it: 保存/取消, a busy state, the form kept
 * mounted; GuardedDrawer is the same guard on a side drawer. Every dialog with typed input uses one.
 */
import { App, Drawer, Modal, type DrawerProps, type ModalProps } from 'antd'
import { useCallback, useEffect, useRef, type ReactNode, type SyntheticEvent } from 'react'

export type GuardedModalProps = ModalProps & {
  /** Says whether there is something to lose; without it, any typing or change inside counts. */
  dirty?: boolean
  /** Words of the question, e.g. "放弃填写的退回意见？". */
  discardTitle?: string
}

/**
 * The one guard: remembers whether anything was typed into or changed since the dialog opened, and
 * wraps a close so that it first asks when something would be lost.
 */
export function useDiscardGuard(open: boolean | undefined, dirty: boolean | undefined, discardTitle: string | undefined) {
  const { modal } = App.useApp()
  const touched = useRef(false)
  const asking = useRef(false)
  useEffect(() => {
    if (open) touched.current = false
  }, [open])
  const markTouched = useCallback((e: SyntheticEvent) => {
    // Typing, ticking a box, picking a radio: the native input/change events of form controls.
    const el = e.target as HTMLElement
    if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) touched.current = true
  }, [])
  const guard = useCallback(
    (close: () => void) => {
      if (!(dirty ?? touched.current)) return close()
      if (asking.current) return
      asking.current = true
      modal.confirm({
        title: discardTitle ?? '放弃已填写的内容？',
        content: '关闭后，本窗口中已填写但未保存的内容将丢失。',
        okText: '放弃并关闭',
        okButtonProps: { danger: true, ...({ 'data-testid': 'discard-ok' } as Record<`data-${string}`, string>) },
        cancelText: '继续填写',
        cancelButtonProps: { ...({ 'data-testid': 'discard-cancel' } as Record<`data-${string}`, string>) },
        onOk: () => {
          asking.current = false
          touched.current = false
          close()
        },
        onCancel: () => {
          asking.current = false
        },
      })
    },
    [dirty, discardTitle, modal],
  )
  return { markTouched, guard }
}

export function GuardedModal({ open, onCancel, dirty, discardTitle, children, modalRender, ...rest }: GuardedModalProps) {
  const { markTouched, guard } = useDiscardGuard(open, dirty, discardTitle)
  return (
    <Modal
      open={open}
      onCancel={(e) => guard(() => onCancel?.(e))}
      // A click outside meant for something else must not cost the typing: it only asks.
      maskClosable
      modalRender={(node) => (
        <div onInputCapture={markTouched} onChangeCapture={markTouched}>
          {modalRender ? modalRender(node) : node}
        </div>
      )}
      {...rest}
    >
      {children}
    </Modal>
  )
}

/** The same guard on a side drawer with a form (培训, 指标库). */
export function GuardedDrawer({ open, onClose, dirty, discardTitle, children, ...rest }: DrawerProps & { dirty?: boolean; discardTitle?: string }) {
  const { markTouched, guard } = useDiscardGuard(open, dirty, discardTitle)
  return (
    <Drawer open={open} onClose={(e) => guard(() => onClose?.(e))} {...rest}>
      <div onInputCapture={markTouched} onChangeCapture={markTouched}>
        {children}
      </div>
    </Drawer>
  )
}

export function EditModal({ open, title, busy, onSave, onClose, children, ...rest }: { open: boolean; title: ReactNode; busy: boolean; onSave: () => void; onClose: () => void; children: ReactNode } & Omit<GuardedModalProps, 'open' | 'title' | 'onOk' | 'onCancel'>) {
  return (
    <GuardedModal open={open} title={title} onCancel={onClose} onOk={onSave} okText="保存" cancelText="取消" confirmLoading={busy} forceRender {...rest}>
      {children}
    </GuardedModal>
  )
}
