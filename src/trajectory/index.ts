// The trajectory layer's public surface. Not built yet: see README.md "Not built yet".
export {};
