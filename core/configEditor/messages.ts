// The typed messages between the config editor's host (extension) and its page (webview), and the form model they
// carry. Each direction is declared once (HOST_TO_PAGE, PAGE_TO_HOST); the types and the guards both come from it.
// Plain data only: imported by the host, the pure form model and the browser page alike.
import type { ReplicaHealth } from '../protocol';
import * as s from '../schema';

/** A path into the YAML document: map keys and sequence indexes, e.g. ['pools', 0, 'replicas', 1, 'weight']. */
export type YamlPath = readonly (string | number)[];

const YAML_PATH: s.Schema<YamlPath> = s.arrayOf(s.either(s.string, s.integer));

/** A value the form writes into the file. */
export type FormValue = s.JsonValue;

/** One change the form asks for; the host applies it to the text with comments and formatting kept. */
export const FORM_EDIT = s.tagged('kind', {
  /** Sets a value, creating missing parent maps. */
  set: { path: YAML_PATH, value: s.json },
  /** Deletes a map key or a sequence item; a map left empty is deleted with its key. */
  delete: { path: YAML_PATH },
  /** Appends an item to the sequence at `path`, creating it when missing. */
  append: { path: YAML_PATH, value: s.json },
  /** Moves item `from` of the sequence at `path` to index `to`. */
  move: { path: YAML_PATH, from: s.integer, to: s.integer },
});

export type FormEdit = s.Infer<typeof FORM_EDIT>;

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

/** Host to page; the form model and live replicas are built by the host (`trusted` below the message's own fields). */
export const HOST_TO_PAGE = s.tagged('type', {
  model: { model: s.trusted<FormModel>(), fileName: s.string },
  live: {
    replicas: s.nullable(s.arrayOf(s.trusted<LiveReplica>())),
    /** The port the running sidecar listens on (it may differ from the file's: the vllmPools.port setting). */
    port: s.optional(s.integer),
  },
  editFailed: { message: s.string },
  /** The file was saved, but the running sidecar did not take it and keeps its previous config. */
  configNotApplied: { message: s.string },
  testResult: { pool: s.integer, replica: s.integer, ok: s.boolean, message: s.string, models: s.arrayOf(s.string) },
});

export type HostToPage = s.Infer<typeof HOST_TO_PAGE>;

/** Page to host: checked field by field before the host acts (an edit changes the user's file). */
export const PAGE_TO_HOST = s.tagged('type', {
  ready: {},
  edit: { edit: FORM_EDIT },
  testConnection: { pool: s.integer, replica: s.integer },
  openAsText: {},
  /** Asks the host to store the value of `${secret:NAME}` in VS Code's secret storage (the host prompts for it). */
  storeSecret: { name: s.string },
  /** Shows a position of the file in the text editor. */
  reveal: { line: s.integer, col: s.integer },
});

export type PageToHost = s.Infer<typeof PAGE_TO_HOST>;

/** The dotted form of a path, as used in FieldIssue.path and FormModel.aliased. */
export function pathKey(path: YamlPath): string {
  return path.join('.');
}
