// Parses a V8 .heapsnapshot (the JSON `v8.writeHeapSnapshot()` writes) into counts and self sizes
// grouped by a readable key. Layout: snapshot.meta.node_fields / edge_fields describe flat arrays
// `nodes` and `edges`; names are indices into `strings`; a node's edges follow the previous
// node's edges in order. Closures are keyed by function name and source location (file:line),
// plain objects by their first property names, so "Object" splits into the shapes that hold it.
import fs from 'node:fs';

export interface HeapGroup {
  key: string;
  count: number;
  selfBytes: number;
}

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
      location_fields?: string[];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
  locations?: number[];
}

/** Script id → file (relative, shortened), from the inspector's Debugger.scriptParsed events. */
export type ScriptNames = Record<string, string>;

export function groupHeapSnapshot(file: string, scripts: ScriptNames = {}): Map<string, HeapGroup> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawSnapshot;
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf('type');
  const nName = meta.node_fields.indexOf('name');
  const nSelf = meta.node_fields.indexOf('self_size');
  const nEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const propertyEdge = edgeTypes.indexOf('property');
  const { nodes, edges, strings } = raw;

  // Closure locations: node index → "script:line".
  const where = new Map<number, string>();
  const lf = meta.location_fields ?? [];
  if (raw.locations && lf.length > 0) {
    const lObj = lf.indexOf('object_index');
    const lScript = lf.indexOf('script_id');
    const lLine = lf.indexOf('line');
    const lCol = lf.indexOf('column');
    for (let i = 0; i < raw.locations.length; i += lf.length) {
      const script = String(raw.locations[i + lScript]);
      where.set(raw.locations[i + lObj]!, `${scripts[script] ?? `script ${script}`}:${raw.locations[i + lLine]! + 1}:${raw.locations[i + lCol]! + 1}`);
    }
  }

  // Pass 1: a key per node, and the owner of every backing store (an object's out-of-object
  // `properties`/`elements`, a closure's `context`), so those are charged to what holds them.
  const keys: string[] = new Array(nodes.length / nf);
  const owner = new Int32Array(nodes.length / nf).fill(-1);
  const edgeStart = new Uint32Array(nodes.length / nf);
  let edge = 0;
  for (let n = 0; n < nodes.length; n += nf) {
    const i = n / nf;
    const type = nodeTypes[nodes[n + nType]!]!;
    const name = strings[nodes[n + nName]!]!;
    const edgeCount = nodes[n + nEdges]!;
    edgeStart[i] = edge;
    let key: string;
    if (type === 'object' && name === 'Object') {
      const props: string[] = [];
      for (let e = edge; e < edge + edgeCount * ef && props.length < 4; e += ef) {
        if (edges[e + eType] === propertyEdge) {
          const p = strings[edges[e + eName]!]!;
          if (p !== '__proto__' && p !== 'map') props.push(p);
        }
      }
      key = `Object {${props.join(', ')}${props.length === 4 ? ', …' : ''}}`;
    } else if (type === 'closure') {
      key = `closure ${name || '(anonymous)'} @ ${where.get(n) ?? '?'}`;
    } else if (type === 'object' || type === 'native') {
      key = name;
    } else if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number') {
      key = `(${type})`;
    } else {
      key = `(${type}) ${name.replace(/\d+/g, 'N').slice(0, 60)}`;
    }
    keys[i] = key;
    if (type === 'object' || type === 'closure') {
      for (let e = edge; e < edge + edgeCount * ef; e += ef) {
        if (edges[e + eType] === propertyEdge) continue;
        const edgeName = strings[edges[e + eName]!];
        if (edgeName === 'properties' || edgeName === 'elements' || edgeName === 'context' || edgeName === 'table') {
          const to = edges[e + eTo]! / nf;
          if (owner[to] === -1) owner[to] = i;
        }
      }
    }
    edge += edgeCount * ef;
  }

  // Pass 2: group; a backing store as "<its kind> of <its owner>".
  const groups = new Map<string, HeapGroup>();
  for (let n = 0; n < nodes.length; n += nf) {
    const i = n / nf;
    const o = owner[i]!;
    const key = o >= 0 ? `${keys[i]} of ${keys[o]}` : keys[i]!;
    const g = groups.get(key) ?? { key, count: 0, selfBytes: 0 };
    g.count += 1;
    g.selfBytes += nodes[n + nSelf]!;
    groups.set(key, g);
  }
  return groups;
}

/** `after − before`, per group, divided by `per`; sorted by bytes, largest first. */
export function diffGroups(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>, per: number): HeapGroup[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const out: HeapGroup[] = [];
  for (const key of keys) {
    const a = after.get(key);
    const b = before.get(key);
    out.push({
      key,
      count: ((a?.count ?? 0) - (b?.count ?? 0)) / per,
      selfBytes: ((a?.selfBytes ?? 0) - (b?.selfBytes ?? 0)) / per,
    });
  }
  return out.sort((x, y) => y.selfBytes - x.selfBytes);
}
