/** Keeps one page's rendering fault from blanking the whole window; says so in Chinese. */
import { Button, Result } from 'antd'
import { Component, type ReactNode } from 'react'

interface State {
  error: Error | null
}

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: unknown }, State> {
  override state: State = { error: null }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  override componentDidUpdate(prev: { resetKey?: unknown }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null })
  }

  override componentDidCatch(error: Error) {
    console.error(error)
  }

  override render() {
    if (!this.state.error) return this.props.children
    return (
      <Result
        status="warning"
        title="本页面显示出错"
        subTitle={`数据没有丢失。请切换到其他页面后再回来，或重新打开程序。错误信息：${this.state.error.message}`}
        extra={
          <Button type="primary" onClick={() => this.setState({ error: null })}>
            重新显示
          </Button>
        }
      />
    )
  }
}
