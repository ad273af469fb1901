import type { Content } from '../domain/models';
import type { Context } from '../context';

/** Every `content` field on a shelf row resolves through the request's content loader: one batch per request. */
export function contentField(
  parent: { contentId: string },
  _args: unknown,
  ctx: Context,
): Promise<Content | null> {
  return ctx.loaders.content.load(parent.contentId);
}
