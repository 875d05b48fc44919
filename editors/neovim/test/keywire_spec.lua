-- Headless Neovim end-to-end test of the keywire language server, with the API Neovim 0.7 has
-- (vim.lsp.start_client, vim.lsp.buf_attach_client, vim.diagnostic.get); it also runs on newer
-- versions. Run by editors/neovim/test/run.sh:
--
--   KEYWIRE_BIN=/path/to/keywire KEYWIRE_WORKSPACE=/tmp/copy-of-fixture-workspace \
--     nvim --headless --clean -c 'luafile editors/neovim/test/keywire_spec.lua'
--
-- Reads the server definition from editors/neovim/lsp/keywire.lua (the 0.11+ config) so the test
-- breaks if that file does. Opens the fixture's app.py, .env, OAI_CONFIG_LIST, notebook.ipynb,
-- service/compose.yaml, service/Dockerfile and .github/workflows/agent.yml,
-- waits for keywire's diagnostics,
-- requests code actions, applies the quick fix, and checks the text and that the diagnostic is
-- gone. Exits 0 when every check passed, 1 otherwise.

local BIN = os.getenv('KEYWIRE_BIN')
local WS = os.getenv('KEYWIRE_WORKSPACE')
local PLUGIN = os.getenv('KEYWIRE_NVIM_PLUGIN') -- editors/neovim
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

local function finish()
  out(('neovim: %d checks passed, %d failed'):format(passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local function read_lines(buf)
  return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end

local function codes(list)
  local seen = {}
  for _, d in ipairs(list) do
    table.insert(seen, tostring(d.code))
  end
  table.sort(seen)
  return table.concat(seen, ',')
end

local function has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code then
      return d
    end
  end
  return nil
end

local function main()
  out(('neovim %s, keywire %s, workspace %s'):format(tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch), BIN, WS))
  if not (BIN and WS and PLUGIN) then
    check('KEYWIRE_BIN, KEYWIRE_WORKSPACE and KEYWIRE_NVIM_PLUGIN are set', false)
    return
  end

  -- The plugin: lsp/keywire.lua (0.11+ config), lua/keywire (setup for 0.8-0.10, filetypes).
  vim.opt.runtimepath:prepend(PLUGIN)
  vim.cmd('filetype on')
  vim.cmd('runtime! plugin/keywire.lua')
  local config = dofile(PLUGIN .. '/lsp/keywire.lua')
  check('lsp/keywire.lua: cmd is { "keywire", "lsp" }', vim.deep_equal(config.cmd, { 'keywire', 'lsp' }), vim.inspect(config.cmd))
  check(
    'lsp/keywire.lua: filetypes python, sh, dotenv, json, yaml, dockerfile, requirements, toml, cfg',
    vim.deep_equal(config.filetypes, { 'python', 'sh', 'dotenv', 'json', 'yaml', 'yaml.docker-compose', 'dockerfile', 'requirements', 'toml', 'cfg' }),
    vim.inspect(config.filetypes)
  )
  check(
    'lsp/keywire.lua: root markers',
    vim.deep_equal(config.root_markers, { 'pyproject.toml', 'keywire.toml', '.git', '.env' }),
    vim.inspect(config.root_markers)
  )
  local keywire = require('keywire')
  check('keywire.find_root finds the workspace from app.py', keywire.find_root(WS .. '/app.py', config.root_markers) == WS)

  -- Filetypes: .env is sh (Neovim's own rule), .env.local is sh through plugin/keywire.lua.
  vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/.env.local'))
  check('.env.local gets filetype sh', vim.bo.filetype == 'sh', 'filetype=' .. vim.bo.filetype)
  vim.cmd('bwipeout!')
  -- OAI_CONFIG_LIST* is json through plugin/keywire.lua (a real extension still wins); notebooks
  -- are json (Neovim's own rule from 0.9, the plugin's before).
  for name, want in pairs({
    ['OAI_CONFIG_LIST'] = 'json',
    ['OAI_CONFIG_LIST_sample'] = 'json',
    ['OAI_CONFIG_LIST.md'] = 'markdown',
    ['analysis.ipynb'] = 'json',
  }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/' .. name))
    check(name .. ' gets filetype ' .. want, vim.bo.filetype == want, 'filetype=' .. vim.bo.filetype)
    vim.cmd('bwipeout!')
  end

  -- Start the server the way lsp/keywire.lua says, with the binary under test.
  local cmd = vim.deepcopy(config.cmd)
  cmd[1] = BIN
  local raw = {} -- uri -> LSP diagnostics as published (with `data`, which code actions need)
  local publishes = {} -- uri -> how many times diagnostics were published
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local client_id = vim.lsp.start_client({
    name = 'keywire',
    cmd = cmd,
    root_dir = WS,
    workspace_folders = { { uri = vim.uri_from_fname(WS), name = WS } },
    init_options = config.init_options,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
        if result then
          raw[result.uri] = result.diagnostics
          publishes[result.uri] = (publishes[result.uri] or 0) + 1
        end
        return default_publish(err, result, ctx, cfg)
      end,
    },
  })
  if not check('vim.lsp.start_client started keywire', client_id ~= nil) then
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local initialized = vim.wait(TIMEOUT, function()
    return client.initialized == true or (client.server_capabilities ~= nil and next(client.server_capabilities) ~= nil)
  end, 50)
  check('server initialized', initialized)
  if not initialized then
    return
  end
  check('server offers quick fixes', client.server_capabilities.codeActionProvider ~= nil)

  local function open(name)
    vim.cmd('edit ' .. vim.fn.fnameescape(WS .. '/' .. name))
    local buf = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(buf, client_id)
    return buf
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

  -- Waits until `pred` holds for the buffer's keywire diagnostics, published after the
  -- `after`-th publication for it (so "gone" means the server re-checked, not that nothing came).
  local function wait_for(buf, what, pred, after)
    local uri = vim.uri_from_bufnr(buf)
    local ok = vim.wait(TIMEOUT, function()
      return (publishes[uri] or 0) > (after or 0) and pred(keywire_diags(buf))
    end, 50)
    return check(what, ok, 'diagnostics: ' .. codes(keywire_diags(buf)))
  end

  -- Ask for code actions on a diagnostic, apply the one titled `title`.
  local function apply_fix(buf, code, title_pattern)
    local uri = vim.uri_from_bufnr(buf)
    local diag
    for _, d in ipairs(raw[uri] or {}) do
      if d.code == code then
        diag = d
      end
    end
    if not check(code .. ': published with its fix data', diag ~= nil and diag.data ~= nil) then
      return false
    end
    local params = {
      textDocument = { uri = uri },
      range = diag.range,
      context = { diagnostics = { diag }, only = { 'quickfix' } },
    }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, TIMEOUT)
    local actions = {}
    for _, r in pairs(responses or {}) do
      for _, a in ipairs(r.result or {}) do
        table.insert(actions, a)
      end
    end
    local titles = {}
    local chosen
    for _, a in ipairs(actions) do
      table.insert(titles, a.title)
      if not chosen and a.title:find(title_pattern) and a.edit then
        chosen = a
      end
    end
    if not check(code .. ': code action offered', chosen ~= nil, 'got: ' .. vim.inspect(titles)) then
      return false
    end
    out('       applying "' .. chosen.title .. '"')
    local before = publishes[uri] or 0
    vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
    return before
  end

  -- Python: KW101 (OpenAIChatCompletionClient without api_key).
  local py = open('app.py')
  check(
    "app.py has filetype python, one of keywire's filetypes",
    vim.bo[py].filetype == 'python' and vim.tbl_contains(config.filetypes, vim.bo[py].filetype),
    vim.bo[py].filetype
  )
  wait_for(py, 'app.py: KW101 reported', function(list)
    return has_code(list, 'KW101') ~= nil
  end)
  local kw101 = has_code(keywire_diags(py), 'KW101')
  check('app.py: KW101 on line 2', kw101 ~= nil and kw101.lnum == 1, kw101 and ('lnum ' .. kw101.lnum))

  -- .env: KW303 (unparseable line) and KW301 (whitespace inside quotes).
  local env = open('.env')
  check(
    ".env has filetype sh, one of keywire's filetypes",
    vim.bo[env].filetype == 'sh' and vim.tbl_contains(config.filetypes, vim.bo[env].filetype),
    vim.bo[env].filetype
  )
  wait_for(env, '.env: KW303 and KW301 reported', function(list)
    return has_code(list, 'KW303') ~= nil and has_code(list, 'KW301') ~= nil
  end)
  local kw303 = has_code(keywire_diags(env), 'KW303')
  check('.env: KW303 on line 1', kw303 ~= nil and kw303.lnum == 0)

  -- .env.local (filetype sh through plugin/keywire.lua) is linted; a shell script with the same
  -- text is not (the server decides by file name).
  local same = { 'OPENAI_API_KEY=" sk-proj-abc123abc123abc123abc123 "' }
  vim.fn.writefile(same, WS .. '/.env.local')
  vim.fn.writefile(same, WS .. '/deploy.sh')
  local local_env = open('.env.local')
  check(".env.local has filetype sh, one of keywire's filetypes", vim.bo[local_env].filetype == 'sh', vim.bo[local_env].filetype)
  wait_for(local_env, '.env.local: KW301 reported', function(list)
    return has_code(list, 'KW301') ~= nil
  end)
  local script = open('deploy.sh')
  check('deploy.sh has filetype sh', vim.bo[script].filetype == 'sh', vim.bo[script].filetype)
  vim.wait(1500, function()
    return #keywire_diags(script) > 0
  end, 50)
  check('deploy.sh: no keywire diagnostics', #keywire_diags(script) == 0, codes(keywire_diags(script)))

  -- OAI_CONFIG_LIST (json through plugin/keywire.lua): KW102 on line 2, and its fix.
  local list = open('OAI_CONFIG_LIST')
  check("OAI_CONFIG_LIST has filetype json, one of keywire's filetypes", vim.bo[list].filetype == 'json'
    and vim.tbl_contains(config.filetypes, 'json'), vim.bo[list].filetype)
  wait_for(list, 'OAI_CONFIG_LIST: KW102 reported', function(l)
    return has_code(l, 'KW102') ~= nil
  end)
  local kw102 = has_code(keywire_diags(list), 'KW102')
  check('OAI_CONFIG_LIST: KW102 on line 2, column 23', kw102 ~= nil and kw102.lnum == 1 and kw102.col == 22,
    kw102 and (kw102.lnum .. ':' .. kw102.col))
  local list_before = apply_fix(list, 'KW102', 'temperature')
  if list_before then
    check('OAI_CONFIG_LIST: key renamed', read_lines(list)[2]:find('"temperature"') ~= nil, read_lines(list)[2])
    wait_for(list, 'OAI_CONFIG_LIST: KW102 gone after the fix', function(l)
      return has_code(l, 'KW102') == nil
    end, list_before)
  end

  -- A notebook is its JSON text in Neovim: KW101 at the cell's line in the JSON.
  local nb = open('notebook.ipynb')
  check('notebook.ipynb has filetype json', vim.bo[nb].filetype == 'json', vim.bo[nb].filetype)
  wait_for(nb, 'notebook.ipynb: KW101 reported', function(l)
    return has_code(l, 'KW101') ~= nil
  end)
  local nb101 = has_code(keywire_diags(nb), 'KW101')
  local want_line
  for i, l in ipairs(read_lines(nb)) do
    if l:find('model_client = ', 1, true) then
      want_line = i - 1
    end
  end
  check('notebook.ipynb: KW101 on the JSON line of the cell', nb101 ~= nil and nb101.lnum == want_line,
    nb101 and (nb101.lnum .. ' vs ' .. tostring(want_line)))

  -- Deployment files: a compose file (yaml, or yaml.docker-compose) with KW501 on its service
  -- and the fix that adds the variable to its `environment:`; a workflow (yaml) with KW504 on
  -- a step and the fix that gives the step the secret; a Dockerfile attaches too.
  local compose = open('service/compose.yaml')
  check("service/compose.yaml has one of keywire's filetypes", vim.tbl_contains(config.filetypes, vim.bo[compose].filetype),
    vim.bo[compose].filetype)
  wait_for(compose, 'compose.yaml: KW501 reported', function(l)
    return has_code(l, 'KW501') ~= nil
  end)
  local kw501 = has_code(keywire_diags(compose), 'KW501')
  check('compose.yaml: KW501 on line 2 (the service)', kw501 ~= nil and kw501.lnum == 1, kw501 and ('lnum ' .. kw501.lnum))
  local compose_before = apply_fix(compose, 'KW501', 'environment')
  if compose_before then
    local lines = read_lines(compose)
    check(
      'compose.yaml: `environment:` added to the service',
      vim.tbl_contains(lines, '    environment:')
        and vim.tbl_contains(lines, '      OPENAI_API_KEY: ${OPENAI_API_KEY:?OPENAI_API_KEY is not set}'),
      table.concat(lines, '\n')
    )
    wait_for(compose, 'compose.yaml: KW501 gone after the fix', function(l)
      return has_code(l, 'KW501') == nil
    end, compose_before)
  end
  local workflow = open('.github/workflows/agent.yml')
  check("agent.yml has filetype yaml, one of keywire's filetypes", vim.bo[workflow].filetype == 'yaml', vim.bo[workflow].filetype)
  wait_for(workflow, 'agent.yml: KW504 reported', function(l)
    return has_code(l, 'KW504') ~= nil
  end)
  local workflow_before = apply_fix(workflow, 'KW504', 'secrets%.OPENAI_API_KEY')
  if workflow_before then
    local text = table.concat(read_lines(workflow), '\n')
    check('agent.yml: the step gets the secret', text:find('OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}', 1, true) ~= nil, text)
    wait_for(workflow, 'agent.yml: KW504 gone after the fix', function(l)
      return has_code(l, 'KW504') == nil
    end, workflow_before)
  end
  local dockerfile = open('service/Dockerfile')
  check("service/Dockerfile has filetype dockerfile, one of keywire's filetypes",
    vim.bo[dockerfile].filetype == 'dockerfile' and vim.tbl_contains(config.filetypes, 'dockerfile'), vim.bo[dockerfile].filetype)
  check('keywire attached to service/Dockerfile', vim.lsp.buf_is_attached(dockerfile, client_id))
  vim.cmd('buffer ' .. env)

  -- Quick fix in the .env: strip the whitespace and the quotes.
  local env_before = apply_fix(env, 'KW301', 'whitespace')
  if env_before then
    local line = read_lines(env)[2]
    check(
      '.env: line 2 fixed',
      line == 'OPENAI_API_KEY=sk-proj-abc123abc123abc123abc123',
      ('line 2 is %q'):format(tostring(line))
    )
    wait_for(env, '.env: KW301 gone after the fix (KW303 stays)', function(list)
      return has_code(list, 'KW301') == nil and has_code(list, 'KW303') ~= nil
    end, env_before)
  end

  -- Quick fix in the Python file: OPENAI_API_KEY is in .env, which nothing loads.
  vim.cmd('buffer ' .. py)
  local py_before = apply_fix(py, 'KW101', 'load_dotenv')
  if py_before then
    local text = table.concat(read_lines(py), '\n')
    check('app.py: load_dotenv() added', text:find('\nload_dotenv%(%)') ~= nil, text)
    check('app.py: load_dotenv imported', text:find('from dotenv import load_dotenv') ~= nil, text)
    wait_for(py, 'app.py: KW101 gone after the fix', function(list)
      return has_code(list, 'KW101') == nil
    end, py_before)
  end

  -- Shut the server down cleanly.
  vim.lsp.stop_client(client_id)
  local stopped = vim.wait(10000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
  check('server shut down', stopped)
end

local ok, err = pcall(main)
if not ok then
  check('test ran without a Lua error', false, tostring(err))
end
finish()
