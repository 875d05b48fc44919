-- Loaded automatically when editors/neovim is on 'runtimepath': `.env.local`, `.env.production`,
-- ... get the filetype `sh` (like `.env`), so keywire (and shell syntax) applies to them.
if vim.g.loaded_keywire then
  return
end
vim.g.loaded_keywire = true
require('keywire').filetypes()
