import type { RecommendationResolvers } from '../generated/graphql';
import { contentField } from './content-field';

export const Recommendation: RecommendationResolvers = {
  content: contentField,
};
