// The typed messages between the config editor's host (extension) and its page (webview), and the form model they
// carry. Plain data only: imported by the host, the pure form model and the browser page alike.
import type { ReplicaHealth } from '../protocol';

/** A path into the YAML document: map keys and sequence indexes, e.g. ['pools', 0, 'replicas', 1, 'weight']. */
export type YamlPath = readonly (string | number)[];

/** A value the form writes into the file. */
export type FormValue = string | number | boolean | null | FormValue[] | { [key: string]: FormValue };

/** One change the form asks for; the host applies it to the text with comments and formatting kept. */
export type FormEdit =
  /** Sets a value, creating missing parent maps. */
  | { kind: 'set'; path: YamlPath; value: FormValue }
  /** Deletes a map key or a sequence item; a map left empty is deleted with its key. */
  | { kind: 'delete'; path: YamlPath }
  /** Appends an item to the sequence at `path`, creating it when missing. */
  | { kind: 'append'; path: YamlPath; value: FormValue }
  /** Moves item `from` of the sequence at `path` to index `to`. */
  | { kind: 'move'; path: YamlPath; from: number; to: number };

/** A validation problem, placed on the form field whose node contains its position. */
export interface FieldIssue {
  /** Dotted path of the innermost node at the issue's position ('' for the whole file), e.g. 'pools.0.retries'. */
  path: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

/** What the page renders: the file's values as written (durations stay "5s"), plus where the problems are. */
export interface FormModel {
  /** False when the text is not valid YAML; the form is then read-only until the text is fixed. */
  syntaxOk: boolean;
  /** The document as plain data (aliases resolved), or null when empty or broken. */
  values: FormValue;
  /** Dotted paths of values that are YAML aliases (`*name`): shown read-only, edited in the text. */
  aliased: string[];
  issues: FieldIssue[];
}

/** Live state of one replica while the sidecar runs, keyed by pool name and replica URL. */
export interface LiveReplica {
  pool: string;
  url: string;
  name: string;
  state: ReplicaHealth;
  reason: string | null;
  inflight: number;
}

export type HostToPage =
  | { type: 'model'; model: FormModel; fileName: string }
  | { type: 'live'; replicas: LiveReplica[] | null }
  | { type: 'editFailed'; message: string }
  | { type: 'testResult'; pool: number; replica: number; ok: boolean; message: string; models: string[] };

export type PageToHost =
  | { type: 'ready' }
  | { type: 'edit'; edit: FormEdit }
  | { type: 'testConnection'; pool: number; replica: number }
  | { type: 'openAsText' }
  /** Asks the host to store the value of `${secret:NAME}` in VS Code's secret storage (the host prompts for it). */
  | { type: 'storeSecret'; name: string }
  /** Shows a position of the file in the text editor. */
  | { type: 'reveal'; line: number; col: number };

/** The dotted form of a path, as used in FieldIssue.path and FormModel.aliased. */
export function pathKey(path: YamlPath): string {
  return path.join('.');
}
