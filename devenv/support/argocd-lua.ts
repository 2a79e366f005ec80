// Runs an Argo CD health or action script in a real Lua 5.1 interpreter (`lua5.1`) the way Argo CD does: the object
// as the global `obj`, only the base, table and package libraries plus a "safe" os (date, time), and the script's
// return value as the result. Argo CD's Lua has no JSON library to offer, so the object goes in as a Lua table
// literal (Argo CD builds the same table from the object's JSON: arrays 1-based, null absent) and the result comes
// back through a small JSON encoder that runs before the sandbox is set up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LUA = process.env.LUA ?? 'lua5.1';

/** A Lua 5.1 literal for a JSON value. Strings are byte-escaped (`\ddd`), so any UTF-8 survives unchanged. */
export function luaLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a JSON number: ${v}`);
    return String(v);
  }
  if (typeof v === 'string') {
    let out = '"';
    for (const b of Buffer.from(v, 'utf8')) {
      if (b === 0x22) out += '\\"';
      else if (b === 0x5c) out += '\\\\';
      else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
      else out += `\\${b}`;
    }
    return `${out}"`;
  }
  if (Array.isArray(v)) return `{${v.map(luaLiteral).join(', ')}}`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `[${luaLiteral(k)}] = ${luaLiteral(x)}`)
      .join(', ')}}`;
  }
  throw new Error(`cannot convert ${typeof v}`);
}

const PRELUDE = String.raw`
local write, format, byte, gsub, sort = io.write, string.format, string.byte, string.gsub, table.sort
local floor, huge = math.floor, math.huge
local function enc(v)
  local t = type(v)
  if v == nil then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v == floor(v) and v > -1e15 and v < 1e15 then return format("%d", v) end
    return format("%.17g", v)
  end
  if t == "string" then
    return '"' .. gsub(v, '[%c"\\]', function(c) return format("\\u%04x", byte(c)) end) .. '"'
  end
  if t == "table" then
    local n, keys = 0, {}
    for k in pairs(v) do n = n + 1; keys[#keys + 1] = k end
    if n > 0 and n == #v then
      local parts = {}
      for i = 1, n do parts[i] = enc(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    for i = 1, #keys do keys[i] = tostring(keys[i]) end
    sort(keys)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = enc(k) .. ":" .. enc(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  error("cannot encode a " .. t)
end
-- Argo CD's VM: base, table and package libraries and a safe os (date, time); no string, math, io or debug, and no
-- string methods ("x":sub() needs the string library's metatable).
local safe_os = { date = os.date, time = os.time }
string, math, io, debug, os = nil, nil, nil, nil, safe_os
getmetatable("").__index = nil
`;

export interface LuaRun {
  ok: boolean;
  /** The script's return value (decoded JSON), or the error text when !ok. */
  result: unknown;
}

/** Runs `scriptPath` with `obj` as Argo CD would. Throws only when the interpreter itself cannot run. */
export function runArgoLua(scriptPath: string, obj: unknown): LuaRun {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-lua-'));
  const harness = join(dir, 'harness.lua');
  writeFileSync(
    harness,
    `${PRELUDE}
obj = ${luaLiteral(obj)}
local chunk, err = loadfile(${luaLiteral(scriptPath)})
if not chunk then write(enc({ ok = false, result = err })) return end
local ok, res = pcall(chunk)
write(enc({ ok = ok, result = res }))
`,
  );
  const r = spawnSync(LUA, [harness], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new Error(`cannot run ${LUA} (apt-get install lua5.1): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${LUA} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as LuaRun;
}
