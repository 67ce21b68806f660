/** Locks the screen after `minutes` without keyboard, mouse or touch input while someone is signed in. */
import { useEffect, useRef } from 'react'

export function useIdleLock(minutes: number, active: boolean, lock: () => Promise<void>) {
  const last = useRef(Date.now())
  const lockRef = useRef(lock)
  lockRef.current = lock
  useEffect(() => {
    if (!active) return
    last.current = Date.now()
    const touch = () => {
      last.current = Date.now()
    }
    const events = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart'] as const
    for (const e of events) window.addEventListener(e, touch, { passive: true })
    const timer = window.setInterval(() => {
      if (Date.now() - last.current > minutes * 60_000) void lockRef.current()
    }, 15_000)
    return () => {
      for (const e of events) window.removeEventListener(e, touch)
      window.clearInterval(timer)
    }
  }, [minutes, active])
}
