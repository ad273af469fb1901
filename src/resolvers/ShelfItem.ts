import type { ShelfItemResolvers } from '../generated/graphql';
import { shelfItemContent } from './content-field';

export const ShelfItem: ShelfItemResolvers = {
  content: shelfItemContent,
};
