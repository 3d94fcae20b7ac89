// Writes the PWA icons (a white cross on the brand blue) as PNG without any image library.
// Run once: node scripts/make-icons.js. The PNGs are committed under static/icons/.
import fs from 'node:fs';
import zlib from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
};

function icon(size, padding) {
	const rows = [];
	const arm = size * 0.1;
	const reach = size * (0.5 - padding) * 0.62;
	const mid = size / 2;
	for (let y = 0; y < size; y++) {
		const row = Buffer.alloc(1 + size * 3);
		for (let x = 0; x < size; x++) {
			const inCross =
				(Math.abs(x - mid) < arm && Math.abs(y - mid) < reach) ||
				(Math.abs(y - mid) < arm && Math.abs(x - mid) < reach);
			const [r, g, b] = inCross ? [255, 255, 255] : [11, 92, 173];
			row.set([r, g, b], 1 + x * 3);
		}
		rows.push(row);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

fs.mkdirSync('static/icons', { recursive: true });
fs.writeFileSync('static/icons/icon-192.png', icon(192, 0.1));
fs.writeFileSync('static/icons/icon-512.png', icon(512, 0.1));
fs.writeFileSync('static/icons/icon-maskable-512.png', icon(512, 0.2));
