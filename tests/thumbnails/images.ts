import sharp from 'sharp';

/** A real JPEG of the given size, one flat colour, made with sharp. */
export async function makeJpeg(
  widthPx: number,
  heightPx: number,
  colour = '#336699',
): Promise<Buffer> {
  return sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function sizeOf(
  data: Buffer,
): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(data).metadata();

  return { width: meta.width, height: meta.height, format: meta.format };
}
