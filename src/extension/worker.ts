// Analysis worker thread (large files are parsed off the extension host's thread).
export {};
