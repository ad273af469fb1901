import type { Resolvers } from '../generated/graphql';
import { Content } from './Content';
import { ContinueWatchingItem } from './ContinueWatchingItem';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Recommendation } from './Recommendation';
import { RecommendationReason } from './RecommendationReason';
import { scalarResolvers } from './scalars';
import { ShelfItem } from './ShelfItem';
import { SimilarUser } from './SimilarUser';
import { TopPick } from './TopPick';
import { User } from './User';
import { WatchEvent } from './WatchEvent';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  Content,
  WatchEvent,
  ContinueWatchingItem,
  Recommendation,
  RecommendationReason,
  TopPick,
  ShelfItem,
  SimilarUser,
};
