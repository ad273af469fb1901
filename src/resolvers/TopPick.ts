import type { TopPickResolvers } from '../generated/graphql';
import { topPickContent } from './content-field';

export const TopPick: TopPickResolvers = {
  content: topPickContent,
};
