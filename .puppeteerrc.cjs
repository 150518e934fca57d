// Lookout drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium), installed by
// scripts/setup.sh; puppeteer's own browser download is skipped (this machine cannot fetch it).
module.exports = { skipDownload: true };
