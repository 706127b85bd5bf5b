// How a command (Add / Remove Replica, Switch Algorithm, Set API Key) changes vllm-pools.yaml: one minimal edit of the
// open document, saved so that the sidecar reloads. When the document already has unsaved edits of the user's, the
// command does not save them behind the user's back: it asks first (save both, or make the change in the editor only
// and leave everything unsaved), as VS Code's settings editor does for a dirty settings.json. No vscode import.
import { minimalReplacement, type Replacement } from './configEditor/textDiff';

/** The part of vscode.TextDocument this needs. */
export interface ConfigDocument {
  readonly isDirty: boolean;
  getText(): string;
  save(): Thenable<boolean>;
}

/** What the user wants when the config has unsaved edits. */
export type UnsavedEditsChoice = 'save-both' | 'apply-only' | 'cancel';

export interface ConfigEditHost {
  /** Replaces offsets [start, end) of the document's current text (a WorkspaceEdit); false when refused. */
  replace(change: Replacement): Thenable<boolean>;
  askAboutUnsavedEdits(): Thenable<UnsavedEditsChoice>;
}

/**
 * `saved`: changed and saved (the sidecar reloads). `unsaved`: changed in the editor only, next to the user's unsaved
 * edits; it applies when the user saves. `cancelled`: nothing changed. `unchanged`: the config already said so.
 */
export type ConfigEditOutcome = 'saved' | 'unsaved' | 'cancelled' | 'unchanged';

export async function editConfigDocument(
  document: ConfigDocument,
  transform: (text: string) => string,
  host: ConfigEditHost,
): Promise<ConfigEditOutcome> {
  if (transform(document.getText()) === document.getText()) return 'unchanged';
  let choice: UnsavedEditsChoice = 'save-both';
  const dirty = document.isDirty;
  if (dirty) {
    choice = await host.askAboutUnsavedEdits();
    if (choice === 'cancel') return 'cancelled';
  }
  // The text may have changed while the question was open: transform what is there now.
  const before = document.getText();
  const change = minimalReplacement(before, transform(before));
  if (!change) return 'unchanged';
  if (!(await host.replace(change))) throw new Error('the editor refused the edit (is the file read-only?)');
  if (dirty && choice === 'apply-only') return 'unsaved';
  if (!(await document.save())) throw new Error('the file could not be saved');
  return 'saved';
}
