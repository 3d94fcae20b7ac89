import { renderSVG } from 'uqr';

/**
 * A QR code as an SVG data URL, rendered on the server so enrolment works without JavaScript.
 * Medium error correction and a quiet zone of four modules (ISO/IEC 18004) so phone cameras read it
 * off a screen reliably.
 */
export function qrCodeDataUrl(text: string): string {
	const svg = renderSVG(text, { ecc: 'M', border: 4, pixelSize: 8 });
	return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
