-- Loaded automatically when editors/neovim is on 'runtimepath': `.env.local`, `.env.production`,
-- ... get the filetype `sh` (like `.env`), and `OAI_CONFIG_LIST`, `OAI_CONFIG_LIST_sample`, ... the
-- filetype `json`, so keywire (and syntax highlighting) applies to them.
if vim.g.loaded_keywire then
  return
end
vim.g.loaded_keywire = true
require('keywire').filetypes()
