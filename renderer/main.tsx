import { App as AntApp, ConfigProvider, Empty } from 'antd'
import zhCN from 'antd/es/locale/zh_CN'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { AppShell } from './AppShell'
import { FeedbackBridge } from './errors'
import './app.css'

dayjs.locale('zh-cn')

const root = document.getElementById('root')!
createRoot(root).render(
  <StrictMode>
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      renderEmpty={() => <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无数据" />}
      theme={{
        token: {
          fontSize: 14,
          borderRadius: 4,
          colorPrimary: '#1d5fae',
          fontFamily:
            "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif",
        },
        components: {
          Table: { cellPaddingBlockSM: 6, headerBg: '#f3f5f8' },
          Menu: { itemHeight: 36, itemMarginBlock: 2, subMenuItemBg: '#ffffff', itemSelectedBg: '#e8f0fb' },
          Layout: { headerBg: '#ffffff', siderBg: '#ffffff', headerHeight: 52, headerPadding: '0 16px' },
        },
      }}
    >
      <AntApp>
        <FeedbackBridge />
        <AppShell />
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
)
