import { InboxOutlined } from '@ant-design/icons'
import { Upload } from 'antd'

/** The one drop zone of the import dialogs: one file, read in the page (never uploaded by antd). */
export function FileDropZone({ accept, disabled, onPick, text, hint }: { accept: string; disabled: boolean; onPick(file: File): void; text: string; hint: React.ReactNode }) {
  return (
    <Upload.Dragger
      accept={accept}
      multiple={false}
      showUploadList={false}
      disabled={disabled}
      beforeUpload={(file) => {
        onPick(file)
        return false
      }}
    >
      <p className="ant-upload-drag-icon">
        <InboxOutlined />
      </p>
      <p className="ant-upload-text">{text}</p>
      <p className="ant-upload-hint">{hint}</p>
    </Upload.Dragger>
  )
}
