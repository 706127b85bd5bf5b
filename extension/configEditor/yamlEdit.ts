// The config editor's edits go through core's one comment-keeping YAML edit engine (core/config/yamlEdit.ts).
export { applyFormEdit, FormEditError, type FormEditResult } from '../../core/config/yamlEdit';
