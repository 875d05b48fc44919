-- Headless test of the user-facing configuration, on a Neovim that has vim.lsp.start (0.8+) and,
-- for KEYWIRE_NVIM_MODE=enable, vim.lsp.enable (0.11+). Run by editors/neovim/test/run.sh:
--
--   KEYWIRE_NVIM_MODE=enable  -> vim.lsp.config('keywire', { cmd = ... }) + vim.lsp.enable('keywire')
--                                (lsp/keywire.lua from the runtimepath)
--   KEYWIRE_NVIM_MODE=setup   -> require('keywire').setup({ cmd = ... })   (the 0.8-0.10 path)
--
-- Nothing attaches by hand: opening the files must start keywire (one client for the project),
-- publish its diagnostics, and offer fixes that apply. Exits 0 when every check passed.

local BIN = os.getenv('KEYWIRE_BIN')
local WS = os.getenv('KEYWIRE_WORKSPACE')
local PLUGIN = os.getenv('KEYWIRE_NVIM_PLUGIN')
local MODE = os.getenv('KEYWIRE_NVIM_MODE') or 'enable'
local TIMEOUT = tonumber(os.getenv('KEYWIRE_TEST_TIMEOUT_MS') or '') or 30000

local passed, failed = 0, 0
local function out(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    out('  ok   ' .. name)
  else
    failed = failed + 1
    out('  FAIL ' .. name .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function clients(buf)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = buf, name = 'keywire' })
end

local function keywire_diags(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'keywire' then
      table.insert(list, d)
    end
  end
  return list
end

local function codes(list)
  local c = {}
  for _, d in ipairs(list) do
    table.insert(c, tostring(d.code))
  end
  table.sort(c)
  return table.concat(c, ',')
end

local function find(list, code)
  for _, d in ipairs(list) do
    if d.code == code then
      return d
    end
  end
end

local function main()
  local v = vim.version()
  out(('neovim %d.%d.%d, mode %s'):format(v.major, v.minor, v.patch, MODE))
  vim.opt.runtimepath:prepend(PLUGIN)
  vim.cmd('runtime! plugin/keywire.lua')
  vim.cmd('filetype on')

  if MODE == 'enable' then
    if not check('vim.lsp.enable exists (0.11+)', vim.lsp.enable ~= nil) then
      return
    end
    vim.lsp.config('keywire', { cmd = { BIN, 'lsp' } })
    local resolved = vim.lsp.config.keywire
    check(
      'vim.lsp.config.keywire comes from lsp/keywire.lua',
      resolved ~= nil and vim.deep_equal(resolved.filetypes, { 'python', 'sh', 'dotenv', 'json', 'yaml', 'yaml.docker-compose', 'dockerfile', 'requirements', 'toml', 'cfg' })
        and vim.deep_equal(resolved.root_markers, { 'pyproject.toml', 'keywire.toml', '.git', '.env' }),
      vim.inspect(resolved and { resolved.filetypes, resolved.root_markers })
    )
    vim.lsp.enable('keywire')
  else
    require('keywire').setup({ cmd = { BIN, 'lsp' } })
  end

  local function open(name)
    vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/' .. name))
    return vim.api.nvim_get_current_buf()
  end
  local function wait(what, pred)
    local ok = vim.wait(TIMEOUT, pred, 50)
    return check(what, ok)
  end

  local py = open('app.py')
  wait('app.py: keywire attached', function()
    return #clients(py) == 1
  end)
  wait('app.py: KW101 reported', function()
    return find(keywire_diags(py), 'KW101') ~= nil
  end)

  local env = open('.env')
  wait('.env (filetype sh): keywire attached', function()
    return #clients(env) == 1
  end)
  wait('.env: KW303 and KW301 reported', function()
    local d = keywire_diags(env)
    return find(d, 'KW303') ~= nil and find(d, 'KW301') ~= nil
  end)
  local c_py, c_env = clients(py)[1], clients(env)[1]
  check('one keywire client for the project', c_py and c_env and c_py.id == c_env.id)
  check(
    'root directory is the workspace',
    c_env and (c_env.root_dir == WS or (c_env.config and c_env.config.root_dir == WS)),
    c_env and tostring(c_env.root_dir or c_env.config.root_dir)
  )

  local same = { 'OPENAI_API_KEY=" sk-proj-abc123abc123abc123abc123 "' }
  vim.fn.writefile(same, WS .. '/.env.local')
  vim.fn.writefile(same, WS .. '/deploy.sh')
  local local_env = open('.env.local')
  check('.env.local has filetype sh', vim.bo[local_env].filetype == 'sh', vim.bo[local_env].filetype)
  wait('.env.local: KW301 reported', function()
    return find(keywire_diags(local_env), 'KW301') ~= nil
  end)
  local script = open('deploy.sh')
  vim.wait(1500, function()
    return #keywire_diags(script) > 0
  end, 50)
  check('deploy.sh: no keywire diagnostics', #keywire_diags(script) == 0, codes(keywire_diags(script)))

  -- OAI_CONFIG_LIST and notebook.ipynb are json: keywire attaches (the same client) and reports.
  local list = open('OAI_CONFIG_LIST')
  wait('OAI_CONFIG_LIST (filetype json): KW102 reported', function()
    return find(keywire_diags(list), 'KW102') ~= nil
  end)
  local nb = open('notebook.ipynb')
  wait('notebook.ipynb (filetype json): KW101 reported', function()
    return find(keywire_diags(nb), 'KW101') ~= nil
  end)
  check('one keywire client for the json files too', clients(nb)[1] and c_env and clients(nb)[1].id == c_env.id)

  -- The quick fix on KW301 in .env, through the code action request the UI makes.
  vim.cmd('buffer ' .. env)
  local kw301 = find(keywire_diags(env), 'KW301')
  local lsp_diag = kw301 and kw301.user_data and kw301.user_data.lsp
  if check('KW301 carries its LSP diagnostic', lsp_diag ~= nil and lsp_diag.data ~= nil) then
    local responses = vim.lsp.buf_request_sync(env, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(env) },
      range = lsp_diag.range,
      context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
    }, TIMEOUT)
    local action
    for _, r in pairs(responses or {}) do
      for _, a in ipairs(r.result or {}) do
        if a.title == 'Strip the whitespace and the quotes' then
          action = a
        end
      end
    end
    if check('KW301: "Strip the whitespace and the quotes" offered', action ~= nil) then
      vim.lsp.util.apply_workspace_edit(action.edit, c_env.offset_encoding or 'utf-16')
      local line = vim.api.nvim_buf_get_lines(env, 1, 2, false)[1]
      check('.env: line 2 fixed', line == 'OPENAI_API_KEY=sk-proj-abc123abc123abc123abc123', line)
      wait('.env: KW301 gone, KW303 stays', function()
        local d = keywire_diags(env)
        return find(d, 'KW301') == nil and find(d, 'KW303') ~= nil
      end)
    end
  end

  if c_env then
    vim.lsp.stop_client(c_env.id)
    wait('server shut down', function()
      return vim.lsp.get_client_by_id(c_env.id) == nil
    end)
  end
end

local ok, err = pcall(main)
if not ok then
  check('test ran without a Lua error', false, tostring(err))
end
out(('neovim %s: %d checks passed, %d failed'):format(MODE, passed, failed))
if failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
