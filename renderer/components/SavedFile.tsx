/** Shows where a generated file was written, with 打开文件 / 打开所在文件夹. */
import { FileWordOutlined, FileExcelOutlined, FolderOpenOutlined } from '@ant-design/icons'
import { Button, Space, Typography } from 'antd'
import { call } from '../api'
import { attempt, notifyInfo } from '../errors'

export async function openFile(path: string, reveal: boolean) {
  const r = await attempt(() => call('files/open', { path, reveal }))
  if (r && !r.opened) notifyInfo(reveal ? '无法自动打开文件夹，请按上面的路径查找。' : '无法自动打开文件，请按上面的路径查找。')
}

export function SavedFile({ path }: { path: string }) {
  const excel = /\.xlsx?$/i.test(path)
  return (
    <div>
      <Typography.Paragraph copyable={{ text: path, tooltips: ['复制路径', '已复制'] }} style={{ wordBreak: 'break-all', marginBottom: 8 }} data-testid="saved-path">
        {excel ? <FileExcelOutlined style={{ color: '#1d6f42', marginRight: 6 }} /> : <FileWordOutlined style={{ color: '#2b579a', marginRight: 6 }} />}
        {path}
      </Typography.Paragraph>
      <Space>
        <Button type="primary" onClick={() => openFile(path, false)}>
          打开文件
        </Button>
        <Button icon={<FolderOpenOutlined />} onClick={() => openFile(path, true)}>
          打开所在文件夹
        </Button>
      </Space>
    </div>
  )
}

/** Reads a File picked in the browser as base64 (without the data: prefix). */
export function readAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result ?? '')
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(new Error('无法读取所选文件，请确认文件没有被其他程序占用。'))
    reader.readAsDataURL(file)
  })
}
