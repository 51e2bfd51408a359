/**
 * Typed operations for the portal, generated from the API's committed schema.
 * Every `graphql(...)` call in src/portal is checked against ../schema.graphql
 * at build time, so a schema change that breaks the portal fails the build.
 * The output (src/portal/gql/) is generated and never edited or committed.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/portal/**/*.{ts,tsx}', '!src/portal/gql/**'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    'src/portal/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          Decimal: 'string',
          Long: 'string | number',
          JSON: '{ [key: string]: unknown }',
        },
      },
    },
  },
};

export default config;
